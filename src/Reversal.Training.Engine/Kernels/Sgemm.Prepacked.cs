using System.Runtime.CompilerServices;
using Reversal.Training.Engine.Runtime;
namespace Reversal.Training.Engine.Kernels;

public static unsafe partial class Sgemm
{
    /// <summary>
    /// Packs <c>op(B)</c> (<paramref name="k"/> × <paramref name="n"/>; stored <c>k×n</c>, or <c>n×k</c> when
    /// <paramref name="transposeB"/>, row stride <paramref name="ldb"/>) for the current kernel, for repeated
    /// <see cref="MultiplyPacked(bool, int, int, int, ReadOnlySpan{float}, int, PackedB, Span{float}, int, bool)"/> calls.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or <paramref name="ldb"/> is smaller than the stored row length.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> is shorter than the stored matrix requires.</exception>
    internal static PackedB PackB(bool transposeB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckLeadingDimension(ldb, bCols, bRows, "ldb", "B", transposeB ? "transposeB = true: B is stored n×k" : "transposeB = false: B is stored k×n");
        long need = Required(bRows, bCols, ldb);
        if (b.Length < need)
            throw new ArgumentException($"b has {b.Length} elements but op(B) {k}×{n} (stored {bRows}×{bCols}) with ldb {ldb} needs {need}.", nameof(b));

        KernelKind kind = s_kernel;
        int nr = TileOf(kind).Nr;
        var packed = new PackedB(kind, nr, k, n);
        if (k == 0 || n == 0) return packed;
        fixed (float* pb = b)
        {
            PackBRows(nr, transposeB, pb, ldb, 0, n, 0, k, packed.Panels, (nint)k * nr);
        }
        return packed;
    }

    /// <summary>
    /// <c>C (+)= op(A) · op(B)[0:k, 0:n]</c> with op(B) prepacked by <see cref="PackB"/>: the same products, bit for bit,
    /// as <see cref="Multiply"/> on the unpacked matrix's leading <paramref name="k"/> rows and <paramref name="n"/>
    /// columns, without packing B again. A is as in <see cref="Multiply"/>; C is <c>m×n</c> with row stride
    /// <paramref name="ldc"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or exceeds the packed matrix, or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short, c overlaps a, or <paramref name="b"/> was packed for another kernel.</exception>
    internal static void MultiplyPacked(bool transposeA, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        PackedB b, Span<float> c, int ldc, bool accumulate = false) =>
        MultiplyPacked(transposeA, m, n, k, a, lda, b, depthOffset: 0, columnOffset: 0, c, ldc, accumulate);

    /// <summary>
    /// <c>C (+)= op(A) · op(B)[p0 : p0 + k, j0 : j0 + n]</c> with op(B) prepacked, <c>p0 = depthOffset</c> and
    /// <c>j0 = columnOffset</c>: the same products, bit for bit, as <see cref="Multiply"/> on that window of the unpacked
    /// matrix. The column offset must be a multiple of the panel width (a window starts at a panel), the depth offset
    /// may be any row of the panels. Attention uses it for the keys a block scores with the mirrored rotation (a
    /// suffix of the keys) and for the key rows of the mirrored gradient.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or offset is negative, the window exceeds the packed matrix, the
    /// column offset is not at a panel, or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short, c overlaps a, or <paramref name="b"/> was packed for another kernel.</exception>
    internal static void MultiplyPacked(bool transposeA, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        PackedB b, int depthOffset, int columnOffset, Span<float> c, int ldc, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(depthOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(columnOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, b.Columns - columnOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, b.Depth - depthOffset);
        if (columnOffset % b.PanelWidth != 0)
            throw new ArgumentOutOfRangeException(nameof(columnOffset), columnOffset, $"The column offset must be a multiple of the panel width {b.PanelWidth}.");
        if (b.Kernel != s_kernel)
            throw new ArgumentException($"b was packed for the {b.Kernel} kernel, but SGEMM now uses {s_kernel}.", nameof(b));
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        CheckLeadingDimension(lda, aCols, aRows, "lda", "A", transposeA ? "transposeA = true: A is stored k×m" : "transposeA = false: A is stored m×k");
        CheckLeadingDimension(ldc, n, m, "ldc", "C", "C is m×n");
        if (m == 0 || n == 0) return;

        if (!CheckLengthsOfAAndC(transposeA, m, n, k, a, lda, c, ldc, accumulate, out _)) return;

        fixed (float* pa = a)
        fixed (float* pc = c)
        {
            RunPacked(transposeA, m, n, k, pa, lda, b, depthOffset, columnOffset, pc, ldc, accumulate);
        }
    }

    private static void RunPacked(bool transA, int m, int n, int k, float* a, int lda, PackedB b, int depthOffset, int columnOffset,
        float* c, int ldc, bool accumulate)
    {
        KernelKind kind = b.Kernel;
        if (m <= FewRows && !transA && kind != KernelKind.Scalar)
        {
            RunFewRowsPacked(m, n, k, a, lda, b, depthOffset, columnOffset, c, ldc, accumulate, ThreadsFor(m, n, k));
            return;
        }
        int parts = DepthParts(transA, m, n, k);
        if (parts > 1) RunPackedCut(m, n, k, parts, a, lda, b, depthOffset, columnOffset, c, ldc, accumulate);
        else RunPackedWhole(transA, m, n, k, a, lda, b, depthOffset, columnOffset, c, ldc, accumulate, ThreadsFor(m, n, k));
    }

    /// <summary>
    /// An Aᵀ product over a prepacked B in the same ranges of k as <see cref="Multiply"/>'s, each a depth window of the
    /// packed matrix, so the bits still match; a method of its own so that only these calls allocate the parts' closure.
    /// </summary>
    private static void RunPackedCut(int m, int n, int k, int parts, float* a, int lda, PackedB b, int depthOffset, int columnOffset,
        float* c, int ldc, bool accumulate)
    {
        nint pa = (nint)a;
        RunInDepthParts(m, n, k, parts, c, ldc, accumulate, ThreadsFor(m, n, k), (p0, depth, cPart, ldcPart, acc, partThreads) =>
            RunPackedWhole(true, m, n, depth, (float*)pa + (nint)p0 * lda, lda, b, depthOffset + p0, columnOffset, cPart, ldcPart, acc, partThreads));
    }

    /// <summary>The packed path over a prepacked B's window of depth <paramref name="k"/> on up to <paramref name="threads"/> workers.</summary>
    private static void RunPackedWhole(bool transA, int m, int n, int k, float* a, int lda, PackedB b, int depthOffset, int columnOffset,
        float* c, int ldc, bool accumulate, int threads)
    {
        var (mr, nr) = TileOf(b.Kernel);
        Job job = RentJob();
        try
        {
            Describe(job, b.Kernel, transA, false, m, n, k, a, lda, null, 0, c, ldc, accumulate);
            // Panels are Depth × NR each: a column window starts at its first panel, a depth window at its row in every panel.
            job.PackedB = b.Panels + (nint)(columnOffset / nr) * b.Depth * nr + (nint)depthOffset * nr;
            StartChunk(job, 0, n, (nint)b.Depth * nr, packed: true);
            RunTiles(job, mr, nr, threads);
        }
        finally
        {
            ReturnJob(job);
        }
    }

    /// <summary>
    /// The few-row path (<see cref="RunFewRows"/>) over a prepacked B: each 32 columns read straight from the panels (one
    /// 32-wide panel of the AVX-512 kernel, or two 16-wide ones of the AVX2 kernel), so a decoding session that packed a
    /// weight once never transposes it again per token. Each element is the same FMA chain in ascending k as on every
    /// other path, so the bits do not change.
    /// </summary>
    private static void RunFewRowsPacked(int m, int n, int k, float* a, int lda, PackedB b, int depthOffset, int columnOffset,
        float* c, int ldc, bool accumulate, int threads)
    {
        int width = b.PanelWidth;
        nint panelStride = (nint)b.Depth * width;
        nint pa = (nint)a, pc = (nint)c;
        nint first = (nint)(b.Panels + (nint)(columnOffset / width) * panelStride + (nint)depthOffset * width);
        int chunks = (n + FewRowsChunk - 1) / FewRowsChunk;
        [SkipLocalsInit]
        void Chunk(int t)
        {
            float* edge = stackalloc float[FewRowsPanel];
            int end = Math.Min(n, (t + 1) * FewRowsChunk);
            for (int j0 = t * FewRowsChunk; j0 < end; j0 += FewRowsPanel)
            {
                int cols = Math.Min(FewRowsPanel, end - j0);
                float* low = (float*)first + (nint)(j0 / width) * panelStride;
                // Columns 16–31: the second half of a 32-wide panel, or the next 16-wide panel (absent past the last
                // column: the low panel is read again and its results discarded with the edge).
                float* high = width == FewRowsPanel ? low + 16 : cols > 16 ? low + panelStride : low;
                for (int i = 0; i < m; i++)
                    FewRowsColumns(k, (float*)pa + (nint)i * lda, low, high, width, (float*)pc + (nint)i * ldc + j0, cols, accumulate, edge);
            }
        }
        if (threads > 1 && chunks > 1) Compute.For(chunks, Chunk);
        else for (int t = 0; t < chunks; t++) Chunk(t);
    }
}
