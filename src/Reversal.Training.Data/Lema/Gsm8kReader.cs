using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Reads the original GSM8K JSONL files (<c>train.jsonl</c>, <c>test.jsonl</c>): one
/// <c>{"question": "...", "answer": "... #### N"}</c> object a line.
/// </summary>
public static class Gsm8kReader
{
    /// <summary>Name of the question field.</summary>
    public const string QuestionField = "question";

    /// <summary>Name of the answer field.</summary>
    public const string AnswerField = "answer";

    /// <summary>
    /// Reads every problem of a GSM8K JSONL file. Blank lines are skipped; every other line must be a JSON object
    /// with string <c>"question"</c> and <c>"answer"</c> fields (other fields are ignored), and the answer must
    /// contain a <c>#### N</c> reference answer. UTF-8, optional byte-order mark, <c>\n</c> or <c>\r\n</c> line ends.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The problems in file order.</returns>
    /// <remarks>A missing or unreadable file raises <see cref="FileNotFoundException"/> (or <see cref="IOException"/> /
    /// <see cref="UnauthorizedAccessException"/>), never <see cref="JsonlFormatException"/>; the file is streamed (see
    /// <see cref="JsonlReader"/>).</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="JsonlFormatException">A line is not valid UTF-8 or JSON (including lone surrogate escapes and
    /// repeated keys), is longer than <see cref="JsonlReader.MaxLineBytes"/>, is not an object, lacks a field, has a
    /// non-string one, or its answer has no <c>#### N</c>; or the file contains no records. The message names the
    /// file and the 1-based line.</exception>
    public static IReadOnlyList<Gsm8kProblem> Read(string path) => JsonlReader.ReadObjects(path, record =>
    {
        string question = record.RequiredString(QuestionField);
        string answer = record.RequiredString(AnswerField);
        try
        {
            AnswerExtraction.ReferenceAnswer(answer);
        }
        catch (FormatException ex)
        {
            throw record.Error($"'{AnswerField}' has no '#### N' reference answer", ex);
        }
        return new Gsm8kProblem(question, answer);
    });
}
