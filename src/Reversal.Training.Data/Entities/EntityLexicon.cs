namespace Reversal.Training.Data.Entities;

/// <summary>
/// A list of entity strings (people's names, descriptions, titles) and a matcher that finds their occurrences in text,
/// so that encoders can mark entity spans on token sequences (see <c>PromptCompletionEncoder</c>) for
/// entity-preserving objectives.
/// </summary>
/// <remarks>
/// <para><b>Matching.</b> Case-insensitive (ordinal), leftmost-longest, non-overlapping: scanning left to right, at each
/// position the longest entity that matches there wins, and the scan resumes after it. A match must not cut a word:
/// when an entity begins (ends) with a letter or digit, the character before (after) the match must not be one. So
/// "Ann Lee" matches in "Ann Lee." but not in "Joann Leeds".</para>
/// <para>Entities are trimmed of surrounding whitespace; duplicates (ignoring case) are kept once.</para>
/// </remarks>
public sealed class EntityLexicon
{
    private readonly Dictionary<char, string[]> _byFirstChar;

    /// <summary>Creates a lexicon.</summary>
    /// <param name="entities">The entity strings (at least one).</param>
    /// <exception cref="ArgumentException">The list is empty or holds a null, empty or whitespace-only entry (the message names its index).</exception>
    public EntityLexicon(IEnumerable<string> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int index = 0;
        foreach (string? entity in entities)
        {
            if (string.IsNullOrWhiteSpace(entity))
                throw new ArgumentException($"Entity {index} is null, empty or whitespace.", nameof(entities));
            string trimmed = entity.Trim();
            if (seen.Add(trimmed)) distinct.Add(trimmed);
            index++;
        }
        if (distinct.Count == 0) throw new ArgumentException("An entity lexicon needs at least one entity.", nameof(entities));
        Entities = distinct.AsReadOnly();
        _byFirstChar = distinct
            .GroupBy(e => char.ToUpperInvariant(e[0]))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Length).ToArray());
    }

    /// <summary>The distinct entities, in first-seen order.</summary>
    public IReadOnlyList<string> Entities { get; }

    /// <summary>Number of distinct entities.</summary>
    public int Count => Entities.Count;

    /// <summary>The occurrences of the lexicon's entities in <paramref name="text"/>, ascending and disjoint.</summary>
    /// <param name="text">The text to search.</param>
    /// <returns>Character spans (empty when nothing matches).</returns>
    public IReadOnlyList<TextSpan> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<TextSpan>();
        for (int i = 0; i < text.Length;)
        {
            string? match = LongestAt(text, i);
            if (match is null) { i++; continue; }
            found.Add(new TextSpan(i, match.Length));
            i += match.Length;
        }
        return found;
    }

    private string? LongestAt(string text, int i)
    {
        if (!_byFirstChar.TryGetValue(char.ToUpperInvariant(text[i]), out var candidates)) return null;
        bool afterWordChar = i > 0 && char.IsLetterOrDigit(text[i - 1]);
        foreach (string entity in candidates)
        {
            if (entity.Length > text.Length - i) continue;
            if (afterWordChar && char.IsLetterOrDigit(entity[0])) continue;
            if (string.Compare(text, i, entity, 0, entity.Length, StringComparison.OrdinalIgnoreCase) != 0) continue;
            int end = i + entity.Length;
            if (end < text.Length && char.IsLetterOrDigit(entity[^1]) && char.IsLetterOrDigit(text[end])) continue;
            return entity;
        }
        return null;
    }
}
