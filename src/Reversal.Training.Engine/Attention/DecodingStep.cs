namespace Reversal.Training.Engine.Attention;

/// <summary>
/// The layout of one decoding step over a batch of rows with a KV cache: row b contributes <c>NewCounts[b]</c> new
/// tokens (0 for a row that is padding or finished this step), packed row after row into one <c>[N, ·]</c> matrix, so
/// the projections of every row run as one GEMM. A new token of row b sits at cache index (and position)
/// <c>CachedLengths[b] + i</c>; its position id is that index unless the step is given explicit positions.
/// </summary>
internal sealed class DecodingStep
{
    /// <summary>Creates the layout from the cached lengths before the step and the new tokens per row.</summary>
    /// <param name="cachedLengths">Tokens each row holds before the step, <c>[B]</c>.</param>
    /// <param name="newCounts">New tokens per row, <c>[B]</c>.</param>
    /// <param name="capacity">Tokens a row can hold.</param>
    /// <param name="positions">Position id of every packed new token <c>[N]</c>, already checked against the context;
    /// null: each token's cache index.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, a count is negative, or a row would exceed
    /// <paramref name="capacity"/>.</exception>
    public DecodingStep(int[] cachedLengths, int[] newCounts, int capacity, int[]? positions = null)
    {
        if (cachedLengths.Length != newCounts.Length)
            throw new ArgumentException($"{cachedLengths.Length} cached lengths for {newCounts.Length} rows.", nameof(newCounts));
        int rows = newCounts.Length, total = 0, longest = 0;
        RowStarts = new int[rows];
        for (int b = 0; b < rows; b++)
        {
            if (newCounts[b] < 0) throw new ArgumentException($"Row {b} has a negative count of new tokens.", nameof(newCounts));
            if (cachedLengths[b] + newCounts[b] > capacity)
                throw new ArgumentException($"Row {b} would hold {cachedLengths[b] + newCounts[b]} tokens, more than the cache's capacity {capacity}.", nameof(newCounts));
            RowStarts[b] = total;
            total += newCounts[b];
            longest = Math.Max(longest, newCounts[b]);
        }
        CachedLengths = cachedLengths;
        NewCounts = newCounts;
        TokenCount = total;
        LongestRow = longest;
        if (positions is not null)
        {
            if (positions.Length != total) throw new ArgumentException($"{positions.Length} position ids for {total} new tokens.", nameof(positions));
            Positions = positions;
            return;
        }
        Positions = new int[total];
        for (int b = 0; b < rows; b++)
            for (int i = 0; i < newCounts[b]; i++) Positions[RowStarts[b] + i] = cachedLengths[b] + i;
    }

    /// <summary>Rows B.</summary>
    public int BatchSize => NewCounts.Length;

    /// <summary>Tokens each row holds in the cache before the step, <c>[B]</c>.</summary>
    public int[] CachedLengths { get; }

    /// <summary>New tokens per row, <c>[B]</c>.</summary>
    public int[] NewCounts { get; }

    /// <summary>Packed index of each row's first new token, <c>[B]</c>.</summary>
    public int[] RowStarts { get; }

    /// <summary>Position id of every packed new token, <c>[N]</c>.</summary>
    public int[] Positions { get; }

    /// <summary>N: new tokens of all rows.</summary>
    public int TokenCount { get; }

    /// <summary>The largest <see cref="NewCounts"/> entry.</summary>
    public int LongestRow { get; }
}
