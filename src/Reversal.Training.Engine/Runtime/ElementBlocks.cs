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

    /// <summary>
    /// Runs <paramref name="body"/>(block, firstRow, rowCount) over blocks of whole rows of <paramref name="rowLength"/>
    /// elements, about <see cref="Size"/> elements per block (at least one row), in parallel; returns the block count.
    /// Block b covers rows <c>[b·R, min((b+1)·R, rows))</c> with R = <see cref="RowsPerBlock"/>.
    /// </summary>
    public static int ForRows(int rows, int rowLength, Action<int, int, int> body)
    {
        int perBlock = RowsPerBlock(rowLength), blocks = RowBlocks(rows, rowLength);
        Compute.For(blocks, b =>
        {
            int first = b * perBlock;
            body(b, first, Math.Min(perBlock, rows - first));
        });
        return blocks;
    }

    /// <summary>Rows per block of <see cref="ForRows"/>: <c>max(1, Size / rowLength)</c>.</summary>
    public static int RowsPerBlock(int rowLength) => Math.Max(1, Size / Math.Max(1, rowLength));

    /// <summary>Blocks <see cref="ForRows"/> makes of <paramref name="rows"/> rows.</summary>
    public static int RowBlocks(int rows, int rowLength) => (rows + RowsPerBlock(rowLength) - 1) / RowsPerBlock(rowLength);
}
