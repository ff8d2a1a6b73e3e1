namespace Reversal.Training.Engine.Runtime;

/// <summary>
/// Element-wise work split into fixed blocks of <see cref="Size"/> elements and run in parallel with
/// <see cref="Compute.For"/>. The blocks do not depend on the thread count, so a per-block result (a partial sum, an
/// updated slice) is the same bits for any number of threads. Used by SwiGLU, AdamW and the gradient norm.
/// </summary>
internal static class ElementBlocks
{
    /// <summary>Elements per block (64 KiB of floats: large enough to amortise a task, small enough to balance).</summary>
    public const int Size = 1 << 14;

    /// <summary>Runs <paramref name="body"/>(start, length) over the blocks of <c>[0, count)</c> in parallel.</summary>
    public static void For(int count, Action<int, int> body)
    {
        int blocks = (count + Size - 1) / Size;
        Compute.For(blocks, b =>
        {
            int start = b * Size;
            body(start, Math.Min(Size, count - start));
        });
    }

    /// <summary>
    /// The blocks of several arrays of <paramref name="counts"/> elements (0 skips an array), in order: array index,
    /// start and length of each.
    /// </summary>
    public static List<(int Item, int Start, int Length)> Of(IReadOnlyList<int> counts)
    {
        var blocks = new List<(int Item, int Start, int Length)>();
        for (int item = 0; item < counts.Count; item++)
            for (int start = 0; start < counts[item]; start += Size)
                blocks.Add((item, start, Math.Min(Size, counts[item] - start)));
        return blocks;
    }
}
