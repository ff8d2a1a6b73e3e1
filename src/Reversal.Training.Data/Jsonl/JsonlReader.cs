using Reversal.Training.Serialization;

namespace Reversal.Training.Data.Jsonl;

/// <summary>
/// Reads JSONL files whose every non-blank line is one JSON object, handing each to a parser with its location. The
/// file must be UTF-8 (a byte-order mark is allowed at its start); lines may end in <c>\n</c> or <c>\r\n</c>; each line
/// is read by <see cref="StrictJson"/>, so invalid UTF-8, lone surrogate escapes (<c>"\ud800"</c>) and repeated keys are
/// refused with the line and column.
/// </summary>
/// <remarks>
/// The file is streamed, one line at a time: the memory a read takes is what the parser keeps (for
/// <see cref="PromptCompletionJsonl"/> and <c>Gsm8kReader</c>, the record strings, at most two bytes per byte of the
/// file, and a small object per record) plus a buffer and a parsed document for the current line, each at most a small
/// multiple of <see cref="MaxLineBytes"/>.
/// </remarks>
public static class JsonlReader
{
    /// <summary>
    /// The longest line accepted, in bytes (64 MiB): far beyond any training record (a million-token document is about
    /// 5 MB of text), and small enough that the line's buffer and parsed form stay bounded whatever the file holds.
    /// </summary>
    public const int MaxLineBytes = 64 * 1024 * 1024;

    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>Parses every object line of <paramref name="path"/> with <paramref name="parse"/>, in file order.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="JsonlFormatException">A line is longer than <see cref="MaxLineBytes"/>, is not strict UTF-8 JSON
    /// or not an object, or the parser refused it; or the file has no records. The message names the file, the line
    /// and, for a JSON problem, the column (in bytes).</exception>
    public static IReadOnlyList<T> ReadObjects<T>(string path, Func<JsonlRecord, T> parse)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(parse);
        if (!File.Exists(path)) throw new FileNotFoundException($"JSONL file '{path}' was not found.", path);

        var rows = new List<T>();
        int lineNumber = 0;
        void Emit(byte[] buffer, int from, int to)
        {
            if (lineNumber == int.MaxValue) throw new JsonlFormatException(path, null, $"has more than {int.MaxValue} lines");
            lineNumber++;
            if (to > from && buffer[to - 1] == (byte)'\r') to--;
            if (to - from > MaxLineBytes) throw TooLong(path, lineNumber);
            var line = new ReadOnlyMemory<byte>(buffer, from, to - from);
            if (!IsBlank(line.Span)) rows.Add(ParseLine(path, lineNumber, line, parse));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[InitialBufferBytes];
        int start = 0, end = 0, searched = 0; // unconsumed bytes are buffer[start..end); buffer[start..start+searched) hold no '\n'
        bool endOfFile = false, atFileStart = true;
        while (true)
        {
            if (!atFileStart)
            {
                int newline = buffer.AsSpan(start + searched, end - start - searched).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    int lineEnd = start + searched + newline;
                    Emit(buffer, start, lineEnd);
                    start = lineEnd + 1;
                    searched = 0;
                    continue;
                }
                searched = end - start;
                if (endOfFile)
                {
                    if (end > start) Emit(buffer, start, end);
                    break;
                }
                if (end - start > MaxLineBytes + 1) throw TooLong(path, lineNumber + 1); // + 1: a '\r' before the '\n'
            }
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                // Doubling, up to room for the longest accepted line and its "\r\n".
                var grown = new byte[(int)Math.Min(2L * buffer.Length, MaxLineBytes + 2L)];
                buffer.AsSpan(0, end).CopyTo(grown);
                buffer = grown;
            }
            int read = stream.Read(buffer, end, buffer.Length - end);
            end += read;
            endOfFile = read == 0;
            if (atFileStart && (end >= 3 || endOfFile))
            {
                atFileStart = false;
                if (buffer.AsSpan(0, end).StartsWith("\uFEFF"u8)) start = 3;
            }
        }
        if (rows.Count == 0) throw new JsonlFormatException(path, null, "contains no records");
        return rows.AsReadOnly();
    }

    private static JsonlFormatException TooLong(string path, int lineNumber) =>
        new(path, lineNumber, $"is longer than {MaxLineBytes} bytes, the longest line accepted");

    private static T ParseLine<T>(string path, int lineNumber, ReadOnlyMemory<byte> line, Func<JsonlRecord, T> parse)
    {
        using var document = StrictJson.ParseObject(line, problem => new JsonlFormatException(path, lineNumber, $"{problem.Problem} at column {problem.Column}"));
        return parse(new JsonlRecord(path, lineNumber, document.RootElement));
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r"u8) < 0;
}
