namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// Finds special tokens written literally in text (e.g. <c>[MASK]</c>), so they can be cut out before
/// pre-tokenisation. Matching is ordinal (case-sensitive); at a given position the longest special token wins.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    // Candidates grouped by first character, longest first.
    private readonly Dictionary<char, (string Text, int Id)[]> _byFirstChar;

    /// <summary>Creates a matcher for the given special tokens; <paramref name="tokens"/>[i] has id i.</summary>
    public SpecialTokenMatcher(IReadOnlyList<string> tokens)
    {
        _byFirstChar = tokens
            .Select((text, id) => (Text: text, Id: id))
            .GroupBy(t => t.Text[0])
            .ToDictionary(
                g => g.Key,
                g => g.OrderByDescending(t => t.Text.Length).ThenBy(t => t.Id).ToArray());
    }

    /// <summary>
    /// Finds the first special token at or after <paramref name="start"/>. Returns its index in
    /// <paramref name="text"/> (or -1 when there is none) and its id and length.
    /// </summary>
    public int FindNext(ReadOnlySpan<char> text, int start, out int id, out int length)
    {
        for (int i = start; i < text.Length; i++)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates)) continue;
            ReadOnlySpan<char> rest = text[i..];
            foreach (var (tokenText, tokenId) in candidates)
            {
                if (rest.StartsWith(tokenText, StringComparison.Ordinal))
                {
                    id = tokenId;
                    length = tokenText.Length;
                    return i;
                }
            }
        }
        id = -1;
        length = 0;
        return -1;
    }
}
