using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// Tells which person a reversal-curse row is about: the one person whose name or description
/// (<see cref="ReversalCursePerson.Mentions"/>) occurs in the row's prompt or completion, found as
/// <see cref="EntityLexicon"/> finds entities (whole words, ignoring case, leftmost-longest).
/// </summary>
public sealed class PersonRowMatcher
{
    private readonly EntityLexicon _lexicon;
    private readonly Dictionary<string, ReversalCursePerson> _byMention = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a matcher for <paramref name="people"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="people"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no people, a person is null or has a blank name or description,
    /// or two people share a name or description (ignoring case; the message names both).</exception>
    public PersonRowMatcher(IEnumerable<ReversalCursePerson> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        int index = 0;
        foreach (ReversalCursePerson? person in people)
        {
            if (person is null) throw new ArgumentException($"Person {index} is null.", nameof(people));
            if (string.IsNullOrWhiteSpace(person.Name) || person.Description is { } d && string.IsNullOrWhiteSpace(d))
                throw new ArgumentException($"Person {index} ('{person.Name}') has a blank name or description.", nameof(people));
            foreach (string mention in person.Mentions)
            {
                string key = mention.Trim();
                if (_byMention.TryGetValue(key, out var other))
                    throw new ArgumentException($"'{key}' identifies both '{other.Name}' and '{person.Name}'; every name and description must belong to one person.", nameof(people));
                _byMention[key] = person;
            }
            index++;
        }
        if (index == 0) throw new ArgumentException("There are no people to match rows to.", nameof(people));
        _lexicon = new EntityLexicon(_byMention.Keys);
    }

    /// <summary>The person <paramref name="row"/> is about.</summary>
    /// <param name="row">A training or test row.</param>
    /// <param name="where">Where the row is, for the error message (e.g. <c>training row 17</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="row"/> is null.</exception>
    /// <exception cref="InvalidDataException">No person, or more than one, occurs in the row; the message names the row,
    /// its text and the people found.</exception>
    public ReversalCursePerson PersonOf(PromptCompletion row, string where)
    {
        ArgumentNullException.ThrowIfNull(row);
        var found = new List<ReversalCursePerson>(1);
        foreach (string text in new[] { row.Prompt, row.Completion })
        {
            foreach (TextSpan span in _lexicon.Find(text))
            {
                var person = _byMention[text.Substring(span.Start, span.Length)];
                if (!found.Contains(person)) found.Add(person);
            }
        }
        return found.Count switch
        {
            1 => found[0],
            0 => throw new InvalidDataException($"{where} mentions none of the {_byMention.Count} known names and descriptions: \"{row.Prompt}\" → \"{row.Completion}\"."),
            _ => throw new InvalidDataException($"{where} mentions {found.Count} people ({string.Join(", ", found.Select(p => $"'{p.Name}'"))}); a row must be about one person: \"{row.Prompt}\" → \"{row.Completion}\"."),
        };
    }
}
