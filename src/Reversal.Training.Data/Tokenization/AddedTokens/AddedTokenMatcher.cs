using System.Text;

namespace Reversal.Training.Data.Tokenization.AddedTokens;

/// <summary>
/// Finds added and special tokens in text, for every tokenizer of the library (the added tokens of a
/// <c>tokenizer.json</c>, the special tokens of <see cref="WordTokenizer"/> and of <see cref="BpeTrainer"/>'s
/// corpus): scanning left to right, at each position the longest token starting there wins
/// (ordinal comparison), as the reference implementations do. Honours <see cref="AddedToken.SingleWord"/> (a
/// failing match is skipped), <see cref="AddedToken.LStrip"/> and <see cref="AddedToken.RStrip"/> (the match swallows
/// adjacent white space, never text already consumed by the previous match).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, (string Pattern, AddedToken Token)[]> _byFirstChar;

    /// <summary>Creates a matcher; each token is matched by its pattern (its content, normalized when
    /// <see cref="AddedToken.Normalized"/>). Empty patterns are ignored.</summary>
    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> entries)
    {
        _byFirstChar = entries
            .Where(e => e.Pattern.Length > 0)
            .GroupBy(e => e.Pattern[0])
            .ToDictionary(
                g => g.Key,
                g => g.OrderByDescending(e => e.Pattern.Length).ThenBy(e => e.Token.Id).ToArray());
    }

    /// <summary>Creates a matcher that finds each token by its content.</summary>
    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
        : this(tokens.Select(t => (t.Content, t)))
    {
    }

    /// <summary>True when there is nothing to match.</summary>
    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>Cuts <paramref name="text"/> into plain-text parts and token matches, appended in order; empty
    /// plain-text parts are left out.</summary>
    public void Split(string text, List<AddedTokenSegment> segments)
    {
        int consumed = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates))
            {
                i++;
                continue;
            }
            (string Pattern, AddedToken Token)? found = null;
            foreach (var candidate in candidates)
            {
                if (text.AsSpan(i).StartsWith(candidate.Pattern, StringComparison.Ordinal))
                {
                    found = candidate;
                    break;
                }
            }
            if (found is not { } match)
            {
                i++;
                continue;
            }

            int start = i;
            int stop = i + match.Pattern.Length;
            AddedToken token = match.Token;
            if (token.SingleWord && (EndsWithWordCharacter(text, start) || StartsWithWordCharacter(text, stop)))
            {
                i = stop;
                continue;
            }
            if (token.LStrip)
                while (start > consumed && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RStrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
            if (start > consumed) segments.Add(new AddedTokenSegment(consumed, start - consumed, null));
            segments.Add(new AddedTokenSegment(start, stop - start, token));
            consumed = stop;
            i = stop;
        }
        if (consumed < text.Length) segments.Add(new AddedTokenSegment(consumed, text.Length - consumed, null));
    }

    private static bool EndsWithWordCharacter(string text, int end)
    {
        if (end == 0) return false;
        Rune.DecodeLastFromUtf16(text.AsSpan(0, end), out Rune rune, out _);
        return Rune.IsLetterOrDigit(rune) || rune.Value == '_';
    }

    private static bool StartsWithWordCharacter(string text, int start)
    {
        if (start >= text.Length) return false;
        Rune.DecodeFromUtf16(text.AsSpan(start), out Rune rune, out _);
        return Rune.IsLetterOrDigit(rune) || rune.Value == '_';
    }
}
