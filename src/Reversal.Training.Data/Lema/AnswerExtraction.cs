using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Final-answer extraction and comparison as in LEMA's evaluation: GSM8K rationales end with
/// <c>The answer is N.</c>, GSM8K reference solutions end with <c>#### N</c>, MATH solutions put the answer in
/// the last <c>\boxed{...}</c>.
/// </summary>
public static partial class AnswerExtraction
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
    /// Normalises a MATH answer for string comparison, in this order: (1) trims whitespace; (2) while the text is
    /// at least two characters long and both starts and ends with <c>$</c>, removes one <c>$</c> from each end
    /// (so <c>$x$</c> and <c>$$x$$</c> both give <c>x</c>); (3) removes <c>\left</c> and <c>\right</c> when not
    /// followed by a letter (so <c>\rightarrow</c> is kept); (4) removes the thin negative space <c>\!</c>;
    /// (5) removes every whitespace character. Nothing else is changed (no fraction or unit rewriting).
    /// </summary>
    /// <param name="answer">An answer, e.g. from <see cref="MathBoxedAnswer"/>.</param>
    /// <returns>The normalised answer.</returns>
    public static string NormalizeMathAnswer(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        string text = answer.Trim();
        while (text.Length >= 2 && text[0] == '$' && text[^1] == '$') text = text[1..^1].Trim();
        text = LeftRightRegex().Replace(text, "");
        text = text.Replace("\\!", "", StringComparison.Ordinal);
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c)) builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Whether two MATH answers are equal after <see cref="NormalizeMathAnswer"/>; a null answer never matches.</summary>
    /// <param name="a">One answer, or null.</param>
    /// <param name="b">The other answer, or null.</param>
    /// <returns>True when both are present and their normalised forms are ordinally equal.</returns>
    public static bool MathAnswersMatch(string? a, string? b)
        => a is not null && b is not null
           && string.Equals(NormalizeMathAnswer(a), NormalizeMathAnswer(b), StringComparison.Ordinal);

    private static bool TryParseNumber(string text, out decimal value)
        => decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex(@"\\(?:left|right)(?![A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex LeftRightRegex();
}
