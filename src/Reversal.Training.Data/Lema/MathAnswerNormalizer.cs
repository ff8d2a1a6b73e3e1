using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Normalises MATH final answers so that equal answers written differently compare equal as strings: the
/// normalisation MATH evaluations use (Hendrycks et al.; LEMA's evaluation), written down step by step.
/// </summary>
public static partial class MathAnswerNormalizer
{
    /// <summary>
    /// Normalises <paramref name="answer"/>, in this order:
    /// (1) trims, and removes one <c>$</c> from each end while both ends have one (<c>$x$</c>, <c>$$x$$</c>);
    /// (2) removes line breaks, the negative thin space <c>\!</c> and the spaces <c>\,</c> <c>\;</c> <c>\:</c>;
    /// (3) <c>\dfrac</c> and <c>\tfrac</c> become <c>\frac</c>;
    /// (4) removes <c>\left</c> and <c>\right</c> when no letter follows (so <c>\rightarrow</c> stays);
    /// (5) removes degrees (<c>^{\circ}</c>, <c>^\circ</c>), percent signs (<c>\%</c>, <c>%</c>) and dollar signs
    /// (<c>\$</c>);
    /// (6) units: a trailing <c>\text{...}</c> or <c>\mbox{...}</c> after other text is removed (<c>5\text{ cm}</c>
    /// gives <c>5</c>), and an answer that is only <c>\text{x}</c> becomes <c>x</c>;
    /// (7) a leading short variable assignment is removed (<c>x = 5</c> and <c>k=5</c> give <c>5</c>: at most two
    /// characters before the only <c>=</c>);
    /// (8) removes every whitespace character;
    /// (9) completes the braces of one-character arguments: <c>\frac12</c> gives <c>\frac{1}{2}</c>,
    /// <c>\frac1{72}</c> gives <c>\frac{1}{72}</c>, <c>\sqrt3</c> gives <c>\sqrt{3}</c>;
    /// (10) an integer ratio <c>a/b</c> becomes <c>\frac{a}{b}</c>;
    /// (11) a leading decimal point gets a zero (<c>.5</c> gives <c>0.5</c>, also after <c>{</c>).
    /// </summary>
    /// <param name="answer">An answer, e.g. the content of a <c>\boxed{}</c>.</param>
    /// <returns>The normalised answer.</returns>
    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        string text = answer.Trim();
        while (text.Length >= 2 && text[0] == '$' && text[^1] == '$') text = text[1..^1].Trim();

        text = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal)
            .Replace("\\!", "", StringComparison.Ordinal).Replace("\\,", "", StringComparison.Ordinal)
            .Replace("\\;", "", StringComparison.Ordinal).Replace("\\:", "", StringComparison.Ordinal);
        text = text.Replace("\\dfrac", "\\frac", StringComparison.Ordinal).Replace("\\tfrac", "\\frac", StringComparison.Ordinal);
        text = LeftRightRegex().Replace(text, "");
        text = text.Replace("^{\\circ}", "", StringComparison.Ordinal).Replace("^\\circ", "", StringComparison.Ordinal)
            .Replace("\\%", "", StringComparison.Ordinal).Replace("%", "", StringComparison.Ordinal)
            .Replace("\\$", "", StringComparison.Ordinal);
        text = RemoveUnits(text.Trim());

        Match assignment = AssignmentRegex().Match(text);
        if (assignment.Success) text = text[assignment.Length..];

        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c)) builder.Append(c);
        }
        text = BraceArguments(builder.ToString());

        Match ratio = IntegerRatioRegex().Match(text);
        if (ratio.Success) text = $"\\frac{{{ratio.Groups[1].Value}}}{{{ratio.Groups[2].Value}}}";
        if (text.StartsWith('.')) text = "0" + text;
        return text.Replace("{.", "{0.", StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether two MATH answers are equal: their <see cref="Normalize"/>d forms are ordinally equal, or both are plain
    /// decimal numbers of equal value (<c>18</c> and <c>18.0</c>). A null answer never matches.
    /// </summary>
    /// <param name="a">One answer, or null.</param>
    /// <param name="b">The other answer, or null.</param>
    public static bool AnswersMatch(string? a, string? b)
    {
        if (a is null || b is null) return false;
        string x = Normalize(a), y = Normalize(b);
        if (string.Equals(x, y, StringComparison.Ordinal)) return true;
        return decimal.TryParse(x, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal u)
               && decimal.TryParse(y, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal v)
               && u == v;
    }

    private static string RemoveUnits(string text)
    {
        foreach (string command in (ReadOnlySpan<string>)["\\text{", "\\mbox{"])
        {
            int at = text.LastIndexOf(command, StringComparison.Ordinal);
            if (at < 0) continue;
            int close = ClosingBrace(text, at + command.Length - 1);
            if (close != text.Length - 1) continue;
            if (at > 0) return text[..at].TrimEnd();
            return text[command.Length..close].Trim();
        }
        return text;
    }

    /// <summary>Index of the brace closing the one at <paramref name="open"/>, or −1.</summary>
    private static int ClosingBrace(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary><c>\frac</c> takes two arguments and <c>\sqrt</c> one; a bare one-character argument gets braces.</summary>
    private static string BraceArguments(string text)
    {
        var result = new StringBuilder(text.Length + 8);
        int i = 0;
        while (i < text.Length)
        {
            int arguments = StartsCommand(text, i, "\\frac") ? 2 : StartsCommand(text, i, "\\sqrt") ? 1 : 0;
            if (arguments == 0)
            {
                result.Append(text[i++]);
                continue;
            }
            result.Append(text, i, CommandLength);
            i += CommandLength;
            for (int a = 0; a < arguments && i < text.Length; a++)
            {
                if (text[i] == '{')
                {
                    int close = ClosingBrace(text, i);
                    if (close < 0) break;
                    result.Append(text, i, close - i + 1);
                    i = close + 1;
                }
                else if (text[i] != '\\')
                {
                    result.Append('{').Append(text[i]).Append('}');
                    i++;
                }
                else break;
            }
        }
        return result.ToString();
    }

    /// <summary>Length of <c>\frac</c> and of <c>\sqrt</c>.</summary>
    private const int CommandLength = 5;

    private static bool StartsCommand(string text, int at, string command)
        => string.CompareOrdinal(text, at, command, 0, command.Length) == 0
           && (at + command.Length >= text.Length || !char.IsAsciiLetter(text[at + command.Length]));

    [GeneratedRegex(@"\\(?:left|right)(?![A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex LeftRightRegex();

    [GeneratedRegex(@"^[^=]{1,2}=(?=[^=]*$)", RegexOptions.CultureInvariant)]
    private static partial Regex AssignmentRegex();

    [GeneratedRegex(@"^(-?\d+)/(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerRatioRegex();
}
