using System.Text.Json;
using System.Text.Unicode;

namespace Reversal.Training.Data.Jsonl;

/// <summary>
/// Reads JSONL files whose every non-blank line is one JSON object, handing each to a parser with its location. The
/// file must be UTF-8 (a byte-order mark is allowed); lines may end in <c>\n</c> or <c>\r\n</c>; repeated keys are refused.
/// </summary>
public static class JsonlReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Parses every object line of <paramref name="path"/> with <paramref name="parse"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="JsonlFormatException">A line is not valid UTF-8 or JSON or not an object, the parser refused it, or
    /// the file has no records. The message names the file and the line.</exception>
    public static IReadOnlyList<T> ReadObjects<T>(string path, Func<JsonlRecord, T> parse)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(parse);
        if (!File.Exists(path)) throw new FileNotFoundException($"JSONL file '{path}' was not found.", path);

        byte[] bytes = File.ReadAllBytes(path);
        int position = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var rows = new List<T>();
        int lineNumber = 0;
        while (position < bytes.Length)
        {
            lineNumber++;
            int newline = bytes.AsSpan(position).IndexOf((byte)'\n');
            int end = newline < 0 ? bytes.Length : position + newline;
            int start = position;
            position = newline < 0 ? bytes.Length : end + 1;
            if (end > start && bytes[end - 1] == (byte)'\r') end--;
            var line = new ReadOnlyMemory<byte>(bytes, start, end - start);
            if (IsBlank(line.Span)) continue;
            rows.Add(ParseLine(path, lineNumber, line, parse));
        }
        if (rows.Count == 0) throw new JsonlFormatException(path, null, "contains no records");
        return rows.AsReadOnly();
    }

    private static T ParseLine<T>(string path, int lineNumber, ReadOnlyMemory<byte> line, Func<JsonlRecord, T> parse)
    {
        if (!Utf8.IsValid(line.Span)) throw new JsonlFormatException(path, lineNumber, "not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new JsonlFormatException(path, lineNumber, $"not valid JSON ({ex.Message})", ex);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new JsonlFormatException(path, lineNumber, $"expected a JSON object, found {root.ValueKind}");
            return parse(new JsonlRecord(path, lineNumber, root));
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }
}
