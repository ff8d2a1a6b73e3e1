using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Reversal.Training.IO;

namespace Reversal.Training.Data.Jsonl;

/// <summary>
/// Reads and writes prompt/completion JSONL: one <c>{"prompt": "...", "completion": "..."}</c> object a line, the
/// format of the Berglund reversal-curse data and of most fine-tuning sets.
/// </summary>
public static class PromptCompletionJsonl
{
    /// <summary>Name of the prompt field.</summary>
    public const string PromptField = "prompt";

    /// <summary>Name of the completion field.</summary>
    public const string CompletionField = "completion";

    // Escapes only what JSON requires (quotes, backslashes, control characters); other text, including non-ASCII,
    // is written as is. This reproduces the Berglund files byte for byte.
    private static readonly JavaScriptEncoder s_encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;


    /// <summary>
    /// Reads every record of a prompt/completion JSONL file. Blank lines are skipped; every other line must be a
    /// JSON object with string <c>"prompt"</c> and <c>"completion"</c> fields (other fields are ignored). The file
    /// must be UTF-8 (a byte-order mark is allowed); lines may end in <c>\n</c> or <c>\r\n</c>.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The records in file order.</returns>
    /// <remarks>A missing or unreadable file is a file-system error, not a format error, as for every loader of the
    /// library: it raises <see cref="FileNotFoundException"/> (or <see cref="IOException"/> /
    /// <see cref="UnauthorizedAccessException"/>), never <see cref="JsonlFormatException"/>. The file is streamed;
    /// memory is the records read plus one line's buffer (see <see cref="JsonlReader"/>).</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="JsonlFormatException">A line is not valid UTF-8 or JSON (including lone surrogate escapes and
    /// repeated keys), is longer than <see cref="JsonlReader.MaxLineBytes"/>, is not an object, lacks a field or has a
    /// non-string one; or the file contains no records. The message names the file, the line and, for a JSON
    /// problem, the column.</exception>
    public static IReadOnlyList<PromptCompletion> Read(string path) =>
        JsonlReader.ReadObjects(path, record => new PromptCompletion(record.RequiredString(PromptField), record.RequiredString(CompletionField)));

    /// <summary>
    /// Writes <paramref name="rows"/> as JSONL, one <c>{"prompt": ..., "completion": ...}</c> object a line, UTF-8
    /// without byte-order mark, <c>\n</c> line ends. The file is replaced atomically (temporary file in the same
    /// folder, flushed to disk, renamed over the target): if anything fails, the previous file is left intact.
    /// </summary>
    /// <param name="path">The file to write; missing parent folders are created.</param>
    /// <param name="rows">The records to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or invalid, or a row is null.</exception>
    /// <exception cref="UnauthorizedAccessException">The target is read-only or its folder is not writable.</exception>
    /// <exception cref="IOException">The target is a folder or the write failed.</exception>
    public static void Write(string path, IEnumerable<PromptCompletion> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(rows);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true)
            {
                NewLine = "\n",
            };
            int index = 0;
            foreach (PromptCompletion row in rows)
            {
                if (row is null) throw new ArgumentException($"The row at index {index} is null.", nameof(rows));
                writer.WriteLine(FormatLine(row));
                index++;
            }
        });
    }

    /// <summary>One row as its JSONL line, without the line end: <c>{"prompt": "...", "completion": "..."}</c>.</summary>
    internal static string FormatLine(PromptCompletion row)
        => "{\"" + PromptField + "\": \"" + JsonEncodedText.Encode(row.Prompt, s_encoder).ToString()
           + "\", \"" + CompletionField + "\": \"" + JsonEncodedText.Encode(row.Completion, s_encoder).ToString() + "\"}";
}
