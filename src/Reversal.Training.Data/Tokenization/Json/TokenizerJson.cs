using System.Text.Json;
using System.Text.Unicode;

namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>
/// Reads a tokenizer's JSON file (<c>tokenizer.json</c>, <c>tokenizer_config.json</c>, a word-tokenizer file) for
/// the loaders, refusing with <see cref="TokenizerFormatException"/> everything System.Text.Json would otherwise let
/// through or fail on later with an untyped exception.
/// </summary>
/// <remarks>
/// Checked before a document is built: the file size (at most <see cref="MaxFileBytes"/>), JSON syntax, nesting
/// (at most <see cref="MaxDepth"/> levels), a key repeated within one object, and every string and property name:
/// valid UTF-8, and escapes that form valid UTF-16 (no lone surrogate such as <c>"\ud800"</c>). A UTF-8 byte-order
/// mark is skipped. Memory: the file's bytes plus System.Text.Json's index of the document (about 12 bytes per JSON
/// value); the caller disposes the document.
/// </remarks>
internal static class TokenizerJson
{
    /// <summary>The largest tokenizer file read: 256 MiB (the real files tested here are 1.8 to 11 MB).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>The deepest nesting of arrays and objects accepted (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    /// <exception cref="TokenizerFormatException">The file is larger than <see cref="MaxFileBytes"/>, not valid JSON,
    /// nested too deeply, repeats a key, or holds a string that is not valid UTF-8 / UTF-16.</exception>
    public static JsonDocument Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Tokenizer file '{path}' was not found.", path);
        if (info.Length > MaxFileBytes)
            throw new TokenizerFormatException(path, $"the file has {info.Length:N0} bytes, more than the {MaxFileBytes:N0} a tokenizer file may have");
        ReadOnlyMemory<byte> bytes = File.ReadAllBytes(path);
        if (bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        return Parse(bytes, path);
    }

    /// <summary>Parses <paramref name="bytes"/> (UTF-8 without byte-order mark) as the content of
    /// <paramref name="path"/>, with the checks of <see cref="Read"/>.</summary>
    /// <exception cref="TokenizerFormatException">As <see cref="Read"/>.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string path)
    {
        try
        {
            ValidateStrings(bytes.Span, path);
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException(path, $"not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Reads through the document once, checking every string and property name.</summary>
    private static void ValidateStrings(ReadOnlySpan<byte> json, string path)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            ReadOnlySpan<byte> raw = reader.ValueSpan; // a reader over one span never has a value sequence
            string? problem = !Utf8.IsValid(raw) ? "is not valid UTF-8"
                : reader.ValueIsEscaped ? SurrogateEscapeProblem(raw)
                : null;
            if (problem is not null)
            {
                long offset = reader.TokenStartIndex;
                string what = reader.TokenType == JsonTokenType.PropertyName ? "a property name" : "a string";
                throw new TokenizerFormatException(path, $"{what} at line {LineOf(json, offset)} (byte {offset}) {problem}");
            }
        }
    }

    /// <summary>Why the <c>\uXXXX</c> escapes of a raw (still escaped) string do not form valid UTF-16, or null.</summary>
    private static string? SurrogateEscapeProblem(ReadOnlySpan<byte> raw)
    {
        bool expectLow = false;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (expectLow) return "holds a high surrogate escape not followed by a low one";
                continue;
            }
            byte kind = raw[++i]; // the reader guarantees a valid escape after a backslash
            if (kind != (byte)'u')
            {
                if (expectLow) return "holds a high surrogate escape not followed by a low one";
                continue;
            }
            int unit = HexValue(raw.Slice(i + 1, 4));
            i += 4;
            bool high = unit is >= 0xD800 and <= 0xDBFF;
            bool low = unit is >= 0xDC00 and <= 0xDFFF;
            if (expectLow && !low) return "holds a high surrogate escape not followed by a low one";
            if (!expectLow && low) return $"holds the lone low surrogate escape \\u{unit:x4}";
            expectLow = high;
        }
        return expectLow ? "ends with a high surrogate escape not followed by a low one" : null;
    }

    private static int HexValue(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte digit in digits)
            value = (value << 4) | (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        return value;
    }

    private static long LineOf(ReadOnlySpan<byte> json, long offset)
        => json[..(int)Math.Min(offset, json.Length)].Count((byte)'\n') + 1;
}
