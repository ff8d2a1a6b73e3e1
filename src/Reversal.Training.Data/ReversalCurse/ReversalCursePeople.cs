using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// The people a reversal-curse data set is about, for <see cref="PersonHalves"/>: the generator's own people, or the
/// people of a Berglund-layout data set found from a list of names (<see cref="ReversalCurseEntities.LoadBerglundNames"/>).
/// </summary>
public static class ReversalCursePeople
{
    /// <summary>The generator's people, each matched by name and description, in the data set's order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    public static IReadOnlyList<ReversalCursePerson> Of(GeneratedReversalCurseDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Array.AsReadOnly(dataset.People.Select(ReversalCursePerson.Of).ToArray());
    }

    /// <summary>
    /// The people of <paramref name="dataset"/> among <paramref name="names"/>: every name that occurs in a training or
    /// test row (whole words, ignoring case), in the order of <paramref name="names"/>, matched by name only. A person's
    /// subset follows from the test splits the person occurs in: <see cref="ReversalSplits.P2D"/> or
    /// <see cref="ReversalSplits.P2DReverse"/> make <see cref="PersonSubset.P2D"/>, <see cref="ReversalSplits.D2P"/> or
    /// <see cref="ReversalSplits.D2PReverse"/> make <see cref="PersonSubset.D2P"/>, neither makes
    /// <see cref="PersonSubset.Both"/> (in the Berglund data, people trained in both orders are tested in
    /// <c>both_prompts_test.jsonl</c>, which the four splits do not include).
    /// </summary>
    /// <param name="dataset">The data set.</param>
    /// <param name="names">Candidate names (e.g. the Berglund <c>names.txt</c>); names that occur in no row are left out.</param>
    /// <returns>The people found, at least one.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty or holds a blank entry.</exception>
    /// <exception cref="InvalidDataException">No name occurs in the data, or a person occurs in the test splits of both
    /// one-direction subsets (the message names the person and a row of each).</exception>
    public static IReadOnlyList<ReversalCursePerson> Identify(ReversalCurseDataset dataset, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var lexicon = new EntityLexicon(names ?? throw new ArgumentNullException(nameof(names)));
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var subsetEvidence = new Dictionary<string, (PersonSubset Subset, string Row)>(StringComparer.OrdinalIgnoreCase);

        void Scan(PromptCompletion row, string where, PersonSubset? subset)
        {
            foreach (string text in new[] { row.Prompt, row.Completion })
            {
                foreach (TextSpan span in lexicon.Find(text))
                {
                    string name = text.Substring(span.Start, span.Length);
                    found.Add(name);
                    if (subset is not PersonSubset known) continue;
                    if (!subsetEvidence.TryGetValue(name, out var earlier))
                        subsetEvidence[name] = (known, where);
                    else if (earlier.Subset != known)
                        throw new InvalidDataException($"'{name}' occurs in {earlier.Row} (subset {earlier.Subset}) and in {where} (subset {known}); a person belongs to one subset.");
                }
            }
        }

        for (int i = 0; i < dataset.Train.Count; i++) Scan(dataset.Train[i], $"training row {i}", null);
        foreach (var (split, rows) in dataset.TestSplits)
        {
            PersonSubset? subset = split switch
            {
                ReversalSplits.P2D or ReversalSplits.P2DReverse => PersonSubset.P2D,
                ReversalSplits.D2P or ReversalSplits.D2PReverse => PersonSubset.D2P,
                _ => null,
            };
            for (int i = 0; i < rows.Count; i++) Scan(rows[i], $"test split '{split}' row {i}", subset);
        }

        var people = lexicon.Entities
            .Where(found.Contains)
            .Select(name => new ReversalCursePerson(name, null, subsetEvidence.TryGetValue(name, out var e) ? e.Subset : PersonSubset.Both))
            .ToArray();
        if (people.Length == 0)
            throw new InvalidDataException($"None of the {lexicon.Count} names occurs in the data set's rows; are they the data set's names?");
        return Array.AsReadOnly(people);
    }
}
