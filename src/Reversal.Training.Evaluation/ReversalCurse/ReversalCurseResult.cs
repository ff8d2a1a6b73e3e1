namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>The scores of every evaluated split of one model.</summary>
public sealed class ReversalCurseResult
{
    private readonly Dictionary<string, SplitResult> _bySplit;

    /// <summary>Creates a result from per-split scores.</summary>
    /// <param name="splits">The split results, in report order; split names must be distinct.</param>
    /// <exception cref="ArgumentNullException"><paramref name="splits"/> is null.</exception>
    /// <exception cref="ArgumentException">A result is null or a split name repeats.</exception>
    public ReversalCurseResult(IEnumerable<SplitResult> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        SplitResult[] list = [.. splits];
        _bySplit = new Dictionary<string, SplitResult>(StringComparer.Ordinal);
        for (int i = 0; i < list.Length; i++)
        {
            SplitResult split = list[i] ?? throw new ArgumentException($"The split result at index {i} is null.", nameof(splits));
            if (!_bySplit.TryAdd(split.Split, split))
                throw new ArgumentException($"The split '{split.Split}' appears more than once.", nameof(splits));
        }
        Splits = Array.AsReadOnly(list);
    }

    /// <summary>The split results in evaluation order.</summary>
    public IReadOnlyList<SplitResult> Splits { get; }

    /// <summary>The result of the split named <paramref name="split"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such split was evaluated.</exception>
    public SplitResult this[string split] =>
        _bySplit.TryGetValue(split, out var result) ? result : throw new KeyNotFoundException($"No result for split '{split}'.");

    /// <summary>Looks up the result of the split named <paramref name="split"/>.</summary>
    /// <param name="split">The split name.</param>
    /// <param name="result">The result, when found.</param>
    /// <returns>Whether the split was evaluated.</returns>
    public bool TryGetSplit(string split, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SplitResult result) =>
        _bySplit.TryGetValue(split, out result);
}
