using System.Text.Json;
using Reversal.Training.Serialization;

namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>
/// Reads a tokenizer's JSON file (<c>tokenizer.json</c>, <c>tokenizer_config.json</c>, a word-tokenizer file) for
/// the loaders, refusing with <see cref="TokenizerFormatException"/> everything System.Text.Json would otherwise let
/// through or fail on later with an untyped exception.
/// </summary>
/// <remarks>
/// Checked before a document is built: the file size (at most <see cref="MaxFileBytes"/>), then everything
/// <see cref="StrictJson"/> checks for every JSON file the library reads (UTF-8, syntax, nesting up to
/// <see cref="MaxDepth"/>, lone-surrogate escapes, a key repeated within one object), each refused the same way as
/// for SafeTensors headers, config.json and JSONL. A UTF-8 byte-order mark is skipped. Memory: the file's bytes plus
/// System.Text.Json's index of the document (about 12 bytes per JSON value); the caller disposes the document.
/// </remarks>
internal static class TokenizerJson
{
    /// <summary>The largest tokenizer file read: 256 MiB (the real files tested here are 1.8 to 11 MB).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>The deepest nesting of arrays and objects accepted (System.Text.Json's default).</summary>
    public const int MaxDepth = StrictJson.MaxDepth;

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
    /// <paramref name="path"/>, with the checks of <see cref="Read"/> (the library's one strict reader, <see cref="StrictJson"/>).</summary>
    /// <exception cref="TokenizerFormatException">As <see cref="Read"/>.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string path) =>
        StrictJson.Parse(bytes, problem => new TokenizerFormatException(path, problem.ToString()));
}
