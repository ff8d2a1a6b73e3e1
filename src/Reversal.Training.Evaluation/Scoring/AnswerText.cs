using System.Text;

namespace Reversal.Training.Evaluation.Scoring;

/// <summary>
/// Text rules of answer scoring: both the decoded answer and the target are normalised (trimmed, lower-cased,
/// whitespace runs collapsed to one space); Berglund et al.'s rule counts an answer correct when it starts with the
/// target, the BICO code's name rule when it contains it.
/// </summary>
public static class AnswerText
{
    /// <summary>Trims <paramref name="text"/>, lower-cases it (invariant culture) and collapses every run of
    /// whitespace to a single space.</summary>
    /// <param name="text">The text to normalise.</param>
    /// <returns>The normalised text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>The first <paramref name="count"/> whitespace-separated words of <paramref name="text"/>, joined by
    /// single spaces (all of them when there are fewer).</summary>
    /// <param name="text">The text to cut.</param>
    /// <param name="count">How many words to keep (at least 1).</param>
    /// <returns>The leading words.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static string FirstWords(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        string[] words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(count));
    }

    /// <summary>True when the normalised <paramref name="answer"/> starts with the normalised
    /// <paramref name="target"/> (ordinal comparison). An empty normalised target never matches.</summary>
    /// <param name="answer">The decoded answer text.</param>
    /// <param name="target">The expected text.</param>
    /// <returns>Whether the answer is counted correct.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool StartsWithTarget(string answer, string target)
    {
        string normalizedTarget = Normalize(target);
        return normalizedTarget.Length > 0 && Normalize(answer).StartsWith(normalizedTarget, StringComparison.Ordinal);
    }

    /// <summary>True when the normalised <paramref name="target"/> occurs anywhere in the normalised
    /// <paramref name="answer"/> (ordinal comparison), the BICO code's name rule. An empty normalised target never matches.</summary>
    /// <param name="answer">The decoded answer text.</param>
    /// <param name="target">The expected text.</param>
    /// <returns>Whether the answer is counted correct.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool ContainsTarget(string answer, string target)
    {
        string normalizedTarget = Normalize(target);
        return normalizedTarget.Length > 0 && Normalize(answer).Contains(normalizedTarget, StringComparison.Ordinal);
    }
}
