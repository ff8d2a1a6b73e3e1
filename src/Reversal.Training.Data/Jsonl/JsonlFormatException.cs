namespace Reversal.Training.Data.Jsonl;

/// <summary>
/// A JSONL file does not hold what was expected. The message names the file and, for a problem on one line, the
/// 1-based line number: <c>"data/train.jsonl line 17: 'completion' is missing"</c>.
/// </summary>
public sealed class JsonlFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file, as the caller named it.</param>
    /// <param name="lineNumber">The 1-based line the problem is on, or null for a problem with the file as a whole.</param>
    /// <param name="problem">What is wrong, e.g. <c>"'prompt' is missing"</c> or <c>"contains no records"</c>.</param>
    /// <param name="innerException">The underlying error (e.g. a <see cref="System.Text.Json.JsonException"/>), if any.</param>
    public JsonlFormatException(string filePath, int? lineNumber, string problem, Exception? innerException = null)
        : base(lineNumber is int line ? $"{filePath} line {line}: {problem}" : $"{filePath} {problem}", innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>The file, as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line the problem is on, or null when the problem concerns the whole file (e.g. it
    /// contains no records).</summary>
    public int? LineNumber { get; }
}
