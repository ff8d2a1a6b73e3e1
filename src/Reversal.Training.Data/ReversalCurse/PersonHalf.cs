namespace Reversal.Training.Data.ReversalCurse;

/// <summary>One half of a <see cref="PersonHalves"/> split: its people and the rows about them.</summary>
/// <param name="People">The half's people, in the order they were given to <see cref="PersonHalves.Split"/>.</param>
/// <param name="Dataset">The training rows, test splits and randomized splits restricted to rows about
/// <paramref name="People"/> (in their original order; every split name of the full data set is kept, even when the
/// half has no row of it).</param>
public sealed record PersonHalf(IReadOnlyList<ReversalCursePerson> People, ReversalCurseDataset Dataset)
{
    /// <summary>The half's people of <paramref name="subset"/>.</summary>
    public int CountOf(PersonSubset subset) => People.Count(p => p.Subset == subset);
}
