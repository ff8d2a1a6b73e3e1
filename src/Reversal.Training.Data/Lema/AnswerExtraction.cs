using System.Globalization;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Final-answer extraction and comparison as in LEMA's evaluation: GSM8K rationales end with
/// <c>The answer is N.</c>, GSM8K reference solutions end with <c>#### N</c>, MATH solutions put the answer in
/// the last <c>\boxed{...}</c>.
/// </summary>
public static class AnswerExtraction
{
    /// <summary>The phrase that introduces the final answer of a GSM8K rationale.</summary>
    public const string AnswerPhrase = "The answer is ";

    /// <summary>The marker that introduces the reference answer of a GSM8K solution.</summary>
    public const string ReferenceMarker = "####";

    private const string BoxedMarker = "\\boxed{";

    /// <summary>
    /// The final answer of a GSM8K-style rationale: the text after the LAST occurrence of <c>The answer is </c>
    /// (case-sensitive), up to the end of that line, with every comma and <c>$</c> removed and surrounding
    /// whitespace and trailing periods stripped. <c>"The answer is $1,234.50."</c> gives <c>"1234.50"</c>.
    /// </summary>
    /// <param name="rationale">The model's rationale.</param>
    /// <returns>The answer text, or null when the phrase is absent or nothing follows it.</returns>
    public static string? Gsm8kFinalAnswer(string rationale)
    {
        ArgumentNullException.ThrowIfNull(rationale);
        int at = rationale.LastIndexOf(AnswerPhrase, StringComparison.Ordinal);
        if (at < 0) return null;
        string rest = rationale[(at + AnswerPhrase.Length)..];
        int newline = rest.IndexOf('\n');
        if (newline >= 0) rest = rest[..newline];
        string cleaned = rest.Replace(",", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal)
            .Trim().TrimEnd('.').Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>
    /// The reference answer of a GSM8K solution: the text after the last <c>####</c>, trimmed, with commas removed
    /// (<c>"#### 1,000"</c> gives <c>"1000"</c>).
    /// </summary>
    /// <param name="gsm8kAnswer">A GSM8K reference solution.</param>
    /// <returns>The reference answer.</returns>
    /// <exception cref="FormatException">There is no <c>####</c>, or nothing follows it.</exception>
    public static string ReferenceAnswer(string gsm8kAnswer)
    {
        ArgumentNullException.ThrowIfNull(gsm8kAnswer);
        int at = gsm8kAnswer.LastIndexOf(ReferenceMarker, StringComparison.Ordinal);
        if (at < 0) throw new FormatException("The GSM8K answer has no '#### N' line.");
        string value = gsm8kAnswer[(at + ReferenceMarker.Length)..].Replace(",", "", StringComparison.Ordinal).Trim();
        if (value.Length == 0) throw new FormatException("The GSM8K answer has nothing after '####'.");
        return value;
    }

    /// <summary>
    /// Whether two extracted answers are the same. Both are parsed as <see cref="decimal"/> with the invariant
    /// culture (leading sign, decimal point and thousands separators allowed, surrounding whitespace ignored) and
    /// compared numerically, so <c>"18"</c> equals <c>"18.0"</c> and <c>"-3"</c> equals <c>"-3.00"</c>. When either
    /// does not parse, the trimmed texts are compared ordinally. A null answer never matches.
    /// </summary>
    /// <param name="a">One answer (e.g. extracted from a rationale), or null when none was found.</param>
    /// <param name="b">The other answer (e.g. the reference), or null.</param>
    /// <returns>True when both are present and equal.</returns>
    public static bool AnswersMatch(string? a, string? b)
    {
        if (a is null || b is null) return false;
        if (TryParseNumber(a, out decimal x) && TryParseNumber(b, out decimal y)) return x == y;
        return string.Equals(a.Trim(), b.Trim(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The content of the last <c>\boxed{...}</c> of a MATH solution, read with balanced braces so nested groups
    /// survive: <c>"\boxed{\frac{1}{2}}"</c> gives <c>"\frac{1}{2}"</c>.
    /// </summary>
    /// <param name="solution">A MATH solution or model output.</param>
    /// <returns>The content (not normalised), or null when there is no <c>\boxed{</c> or its braces never close.</returns>
    public static string? MathBoxedAnswer(string solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        int at = solution.LastIndexOf(BoxedMarker, StringComparison.Ordinal);
        if (at < 0) return null;
        int start = at + BoxedMarker.Length;
        int depth = 1;
        for (int i = start; i < solution.Length; i++)
        {
            char c = solution[i];
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return solution[start..i];
        }
        return null;
    }

    /// <summary>
    /// The final answer of a MATH solution as LEMA reads it: the text after the last <c>The answer is </c> (a trailing
    /// period and <c>$</c> signs removed; when that text holds a <c>\boxed{}</c>, its content), or, without that
    /// phrase, the content of the last <c>\boxed{...}</c>. Not normalised (see <see cref="MathAnswerNormalizer"/>).
    /// </summary>
    /// <param name="solution">A MATH solution or model output.</param>
    /// <returns>The answer, or null when there is none (or it is empty).</returns>
    public static string? MathFinalAnswer(string solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        int at = solution.LastIndexOf(AnswerPhrase, StringComparison.Ordinal);
        string? answer;
        if (at < 0)
        {
            answer = MathBoxedAnswer(solution);
        }
        else
        {
            string rest = solution[(at + AnswerPhrase.Length)..].Trim();
            if (rest.EndsWith('.')) rest = rest[..^1];
            answer = rest.Contains(BoxedMarker, StringComparison.Ordinal) ? MathBoxedAnswer(rest) : rest.Replace("$", "", StringComparison.Ordinal);
        }
        answer = answer?.Trim();
        return string.IsNullOrEmpty(answer) ? null : answer;
    }

    /// <summary>The final answer of <paramref name="solution"/> in <paramref name="format"/>:
    /// <see cref="Gsm8kFinalAnswer"/> or <see cref="MathFinalAnswer"/>.</summary>
    /// <param name="solution">A rationale or model output.</param>
    /// <param name="format">The answer format.</param>
    /// <returns>The answer, or null when there is none.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The format is unknown.</exception>
    public static string? FinalAnswer(string solution, AnswerFormat format) => format switch
    {
        AnswerFormat.Gsm8k => Gsm8kFinalAnswer(solution),
        AnswerFormat.Math => MathFinalAnswer(solution),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown answer format."),
    };

    /// <summary>Whether two answers are equal in <paramref name="format"/>: <see cref="AnswersMatch"/> (numeric) or
    /// <see cref="MathAnswersMatch"/> (normalised strings). A null answer never matches.</summary>
    /// <param name="a">One answer, or null.</param>
    /// <param name="b">The other answer, or null.</param>
    /// <param name="format">The answer format.</param>
    /// <exception cref="ArgumentOutOfRangeException">The format is unknown.</exception>
    public static bool Matches(string? a, string? b, AnswerFormat format) => format switch
    {
        AnswerFormat.Gsm8k => AnswersMatch(a, b),
        AnswerFormat.Math => MathAnswersMatch(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown answer format."),
    };

    /// <summary>Normalises a MATH answer for string comparison: <see cref="MathAnswerNormalizer.Normalize"/>.</summary>
    /// <param name="answer">An answer, e.g. from <see cref="MathBoxedAnswer"/>.</param>
    /// <returns>The normalised answer.</returns>
    public static string NormalizeMathAnswer(string answer) => MathAnswerNormalizer.Normalize(answer);

    /// <summary>Whether two MATH answers are equal: <see cref="MathAnswerNormalizer.AnswersMatch"/>.</summary>
    /// <param name="a">One answer, or null.</param>
    /// <param name="b">The other answer, or null.</param>
    /// <returns>True when both are present and equal after normalisation.</returns>
    public static bool MathAnswersMatch(string? a, string? b) => MathAnswerNormalizer.AnswersMatch(a, b);

    private static bool TryParseNumber(string text, out decimal value)
        => decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out value);

}
