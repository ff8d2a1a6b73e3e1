using Reversal.Training.Data.Jsonl;
using Reversal.Training.Randomness;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// A reversal-curse data set split by person into two disjoint halves, for experiments that train on one group of
/// people first and another later (pre-training, then fine-tuning on facts about new people). Every training and test
/// row goes to the half of the one person it is about (<see cref="PersonRowMatcher"/>); each subset (p2d, d2p, both)
/// is split evenly, so each half keeps the experiment's design.
/// </summary>
/// <example><code>
/// var data = new FictitiousPeopleGenerator().Generate();
/// var halves = PersonHalves.Split(data, ReversalCursePeople.Of(data), seed: 1);
/// // pre-train on halves.First.Dataset.Train; fine-tune on halves.Second.Dataset.Train; evaluate on halves.Second.Dataset
/// </code></example>
public sealed class PersonHalves
{
    private PersonHalves(PersonHalf first, PersonHalf second)
    {
        First = first;
        Second = second;
    }

    /// <summary>The first half (e.g. the people a model is pre-trained on).</summary>
    public PersonHalf First { get; }

    /// <summary>The second half (e.g. the people a model is fine-tuned on afterwards).</summary>
    public PersonHalf Second { get; }

    /// <summary>
    /// Splits <paramref name="people"/> into two halves and <paramref name="dataset"/>'s rows with them. Within each
    /// subset the people are shuffled by <paramref name="seed"/> and the first ⌊n/2⌋ or ⌈n/2⌉ go to
    /// <see cref="First"/>, the rest to <see cref="Second"/>: when a subset has an odd count, its extra person goes to
    /// <see cref="First"/> for the first such subset (in <see cref="PersonSubset"/> order), to <see cref="Second"/> for
    /// the next, and so on, so the halves' sizes differ by at most one overall and within every subset. The same seed,
    /// people and data always give the same halves.
    /// </summary>
    /// <param name="dataset">The data set; every training and test row must be about exactly one of <paramref name="people"/>.</param>
    /// <param name="people">The people of the data set (<see cref="ReversalCursePeople"/>).</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The people are invalid for <see cref="PersonRowMatcher"/>, a subset has a single
    /// person (it cannot be split), or a person has no training row.</exception>
    /// <exception cref="InvalidDataException">A row is about no person or about more than one (the message names the row).</exception>
    public static PersonHalves Split(ReversalCurseDataset dataset, IReadOnlyList<ReversalCursePerson> people, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(people);
        var matcher = new PersonRowMatcher(people);
        var ownerOfTrain = Owners(matcher, dataset.Train, "training row");
        var trained = ownerOfTrain.ToHashSet();
        foreach (ReversalCursePerson person in people)
        {
            if (!trained.Contains(person))
                throw new ArgumentException($"'{person.Name}' has no training row; every person to split must have facts to train on.", nameof(people));
        }
        var ownersOfSplit = dataset.TestSplits.ToDictionary(s => s.Key, s => Owners(matcher, s.Value, $"test split '{s.Key}' row"), StringComparer.Ordinal);

        var random = new SeededRandom(seed);
        var inFirst = new HashSet<ReversalCursePerson>();
        bool extraToFirst = true;
        foreach (PersonSubset subset in Enum.GetValues<PersonSubset>())
        {
            ReversalCursePerson[] members = [.. people.Where(p => p.Subset == subset)];
            if (members.Length == 0) continue;
            if (members.Length == 1)
                throw new ArgumentException($"Subset {subset} has one person ('{members[0].Name}'), who cannot be split into two halves; each subset needs none or at least two.", nameof(people));
            random.Shuffle(members.AsSpan());
            int firstCount = members.Length / 2;
            if (members.Length % 2 == 1)
            {
                if (extraToFirst) firstCount++;
                extraToFirst = !extraToFirst;
            }
            inFirst.UnionWith(members.Take(firstCount));
        }

        PersonHalf Half(bool first)
        {
            bool Keep(ReversalCursePerson owner) => inFirst.Contains(owner) == first;
            var splits = dataset.TestSplits.ToDictionary(s => s.Key, s => Select(s.Value, ownersOfSplit[s.Key], Keep), StringComparer.Ordinal);
            var randomized = dataset.RandomizedSplits.ToDictionary(s => s.Key, s => Select(s.Value, ownersOfSplit[s.Key], Keep), StringComparer.Ordinal);
            var rows = new ReversalCurseDataset(Select(dataset.Train, ownerOfTrain, Keep), splits, randomized);
            return new PersonHalf(Array.AsReadOnly(people.Where(Keep).ToArray()), rows);
        }

        return new PersonHalves(Half(first: true), Half(first: false));
    }

    /// <summary>The person each row is about, in row order.</summary>
    private static List<ReversalCursePerson> Owners(PersonRowMatcher matcher, IReadOnlyList<PromptCompletion> rows, string label)
    {
        var owners = new List<ReversalCursePerson>(rows.Count);
        for (int i = 0; i < rows.Count; i++) owners.Add(matcher.PersonOf(rows[i], $"{label} {i}"));
        return owners;
    }

    /// <summary>The rows whose owner <paramref name="keep"/> accepts (randomized rows take the owner of the test row they pair with).</summary>
    private static IReadOnlyList<PromptCompletion> Select(IReadOnlyList<PromptCompletion> rows, List<ReversalCursePerson> owners, Func<ReversalCursePerson, bool> keep) =>
        [.. rows.Where((_, i) => keep(owners[i]))];
}
