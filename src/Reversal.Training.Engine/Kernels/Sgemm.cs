using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major matrices:
/// <c>C[m×n] = op(A)[m×k] · op(B)[k×n]</c>, optionally accumulated into <c>C</c>.
/// </summary>
/// <remarks>
/// <para>
/// Implementation (GotoBLAS / BLIS style): <c>op(B)</c> is packed once per call into contiguous column panels of NR
/// columns (zero-padded to whole panels); for each MR-row strip of <c>C</c> and each k block (at most 1,024 deep, or
/// 512 where the L1 data cache is small: <see cref="KBlockLimit"/>), the strip of <c>op(A)</c> is packed into an
/// L1-resident micro-panel and swept across all B panels by a register-blocked micro-kernel: Vector512 with an 8×32
/// tile when <see cref="Vector512.IsHardwareAccelerated"/>, otherwise Vector256 + FMA with a 6×16 tile, otherwise a
/// scalar 4×4 tile. Packing uses vector copies or 8×8
/// in-register transposes (for the 6-row kernel's A panels, 6×8 blocks transposed with two zero rows), so the A·B,
/// A·Bᵀ and Aᵀ·B layouts all run at kernel speed. Edge tiles are computed on
/// the zero-padded panels into a scratch tile and only their valid part is written back, so elements of <c>C</c>
/// outside the m×n window (row padding beyond n) are never read or written.
/// </para>
/// <para>
/// Numerics and determinism: every element is computed as one fused-multiply-add chain in ascending k order,
/// <c>c = fma(a[i,k−1], b[k−1,j], … fma(a[i,0], b[0,j], c₀))</c>, with <c>c₀ = C[i,j]</c> when accumulating and
/// <c>0</c> otherwise (between k blocks the running value is stored to <c>C</c> and reloaded, which is exact).
/// One exception, split-K: a product with <c>op(A) = Aᵀ</c> and <c>k ≥ 1024</c> (a weight gradient <c>dW = dyᵀ·x</c>,
/// whose depth is the batch's tokens) is cut into <c>min(8, k / 512)</c> ranges of k (fewer when their scratch would
/// pass 64 MiB), each range <c>⌈k / parts⌉</c> rounded up to 8 deep but the last; range 0 is the chain above over its
/// own k, every later range a chain from zero into scratch, and C is then <c>((C₀ + S₁) + S₂) + …</c>. The cuts are a
/// function of m, n and k alone. Threads share out disjoint tiles of <c>C</c> or whole ranges, never part of a chain, so
/// the result is bit-identical for every <see cref="Compute.CurrentMaxThreads"/> value, independent of the internal
/// block and tile sizes, and the same for the Vector512, Vector256 and scalar kernels on FMA hardware (without hardware
/// FMA the scalar kernel multiplies then adds).
/// </para>
/// <para>
/// Threading: problems of at least 2²⁰ multiply-adds run on up to
/// <c>min(<see cref="Compute.CurrentMaxThreads"/>, processor count)</c> workers, which pack B (ranges of its k rows across all panels) and then claim tiles of
/// <c>C</c> dynamically; smaller problems run on the calling thread without any parallel machinery. The packed B
/// comes from <see cref="ArrayPool{T}.Shared"/> (or the stack when small) and the A micro-panels live on each
/// worker's stack, so a single-threaded call allocates nothing on the managed heap in steady state (the parallel
/// path allocates only the small region object of <see cref="Compute"/>'s helper threads, a split-K product also its
/// part delegate; its scratch comes from the pool).
/// </para>
/// </remarks>
public static unsafe partial class Sgemm
{
    /// <summary>Micro-kernel families, from the portable fallback to the widest SIMD path.</summary>
    internal enum KernelKind
    {
        /// <summary>Scalar 4×4 register tile (fused multiply-add when the hardware has it).</summary>
        Scalar = 0,

        /// <summary>Vector256 + FMA, 6×16 register tile (AVX2-class x86).</summary>
        Vector256 = 1,

        /// <summary>Vector512 + FMA, 8×32 register tile (AVX-512-class x86).</summary>
        Vector512 = 2,
    }

    /// <summary>
    /// Upper bound on the depth of one k block, which the A micro-panel buffer is sized for (MR × 1,024 floats, 32 KiB
    /// for the 8-row kernel); <see cref="KBlockLimit"/> chooses the depth actually used.
    /// </summary>
    private const int MaxKc = 1024;

    /// <summary>The k-block depth where the L1 data cache is small or unknown (an 8-row A micro-panel of 16 KiB).</summary>
    private const int SmallCacheKc = 512;

    private static int s_kBlockOverride;

    /// <summary>Rows per tile on the single-threaded path.</summary>
    private const int SerialMc = 128;

    /// <summary>Upper bound on the rows of one tile of C (the unit of work a thread claims).</summary>
    private const int MaxMc = 256;

    /// <summary>Packed B is produced in column chunks of at most this many floats (16 MiB) to bound memory.</summary>
    private const long MaxPackedB = 1L << 22;

    /// <summary>Problems with fewer multiply-adds than this run single-threaded.</summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary>Packed B up to this many floats (32 KiB) lives on the caller's stack instead of the pool.</summary>
    private const int StackPackedB = 8192;

    /// <summary>Floats of slack so a buffer can be aligned to 64 bytes.</summary>
    private const int AlignSlack = 16;

    private static readonly KernelKind s_bestKernel = DetectKernel();
    private static KernelKind s_kernel = s_bestKernel;

    /// <summary>Whether the scalar kernel uses fused multiply-add (hardware FMA available).</summary>
    private static readonly bool s_scalarFused = Fma.IsSupported || AdvSimd.IsSupported;

    [ThreadStatic] private static Job? t_job;

    /// <summary>
    /// The micro-kernel used by subsequent calls (defaults to the best the hardware supports). Settable for tests
    /// and benchmarks, to exercise the narrower paths on wide hardware.
    /// </summary>
    /// <exception cref="NotSupportedException">The requested kernel is not supported by this machine.</exception>
    internal static KernelKind Kernel
    {
        get => s_kernel;
        set
        {
            if (value > s_bestKernel || value < KernelKind.Scalar)
                throw new NotSupportedException($"The {value} SGEMM kernel is not supported on this machine (best: {s_bestKernel}).");
            s_kernel = value;
        }
    }

    /// <summary>The widest micro-kernel this machine supports.</summary>
    internal static KernelKind BestKernel => s_bestKernel;

    /// <summary>
    /// Rows of the current kernel's register tile (MR): products whose m is a multiple of it leave no strip partly
    /// empty (an edge strip costs a whole one).
    /// </summary>
    internal static int TileRows => TileOf(s_kernel).Mr;

    private static KernelKind DetectKernel()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported) return KernelKind.Vector512;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported) return KernelKind.Vector256;
        return KernelKind.Scalar;
    }

    /// <summary>
    /// Computes <c>C[m×n] = op(A)[m×k] · op(B)[k×n]</c>, or <c>C += op(A) · op(B)</c> when
    /// <paramref name="accumulate"/> is true. All matrices are row-major with explicit row strides.
    /// </summary>
    /// <param name="transposeA">
    /// False: A is stored m×k (element <c>(i,p)</c> at <c>a[i·lda + p]</c>, <c>lda ≥ k</c>) and <c>op(A) = A</c>.
    /// True: A is stored k×m (element <c>(i,p)</c> of <c>op(A)</c> at <c>a[p·lda + i]</c>, <c>lda ≥ m</c>) and
    /// <c>op(A) = Aᵀ</c>.
    /// </param>
    /// <param name="transposeB">
    /// False: B is stored k×n (element <c>(p,j)</c> at <c>b[p·ldb + j]</c>, <c>ldb ≥ n</c>) and <c>op(B) = B</c>.
    /// True: B is stored n×k (element <c>(p,j)</c> of <c>op(B)</c> at <c>b[j·ldb + p]</c>, <c>ldb ≥ k</c>) and
    /// <c>op(B) = Bᵀ</c>.
    /// </param>
    /// <param name="m">Rows of <c>op(A)</c> and of <c>C</c> (≥ 0).</param>
    /// <param name="n">Columns of <c>op(B)</c> and of <c>C</c> (≥ 0).</param>
    /// <param name="k">Columns of <c>op(A)</c> and rows of <c>op(B)</c>: the reduction length (≥ 0).</param>
    /// <param name="a">Storage of A; needs at least <c>(rows − 1)·lda + cols</c> elements for the stored shape.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">Storage of B; needs at least <c>(rows − 1)·ldb + cols</c> elements for the stored shape.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="c">
    /// Output, m×n with row stride <paramref name="ldc"/> ≥ n (element <c>(i,j)</c> at <c>c[i·ldc + j]</c>); needs at
    /// least <c>(m − 1)·ldc + n</c> elements and must not overlap the used parts of <paramref name="a"/> or
    /// <paramref name="b"/>. Elements outside the m×n window are never touched.
    /// </param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">True to add the product to the existing contents of C instead of overwriting them.</param>
    /// <remarks>
    /// <para>
    /// <c>k = 0</c> sets the window of C to zero (or leaves it unchanged when accumulating); <c>m = 0</c> or
    /// <c>n = 0</c> does nothing (only the sizes and leading dimensions are validated, as no element is accessed).
    /// All four transpose combinations are supported; A·B, A·Bᵀ and Aᵀ·B (the Linear backward <c>dx = dy·W</c>,
    /// forward <c>y = x·Wᵀ</c> and weight gradient <c>dW = dyᵀ·x</c>) all pack with vector copies or 8×8 register
    /// transposes and run at kernel speed.
    /// </para>
    /// <para>
    /// Each element is one fused-multiply-add chain over k in ascending order, starting from <c>C[i,j]</c>
    /// (accumulate) or zero; except that an Aᵀ·B product (<paramref name="transposeA"/>, the weight-gradient form) with
    /// <c>k ≥ 1024</c> is cut into up to 8 ranges of k, one chain each, added to C in order (see the class remarks).
    /// Where the cuts fall depends on the shape alone and threads only share out tiles or whole ranges, so the result is
    /// bit-identical for any <see cref="Compute.CurrentMaxThreads"/>. The call may use up to
    /// <see cref="Compute.CurrentMaxThreads"/> threads and may be invoked concurrently from different threads on disjoint outputs.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension is smaller than the stored row length.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its stored matrix requires, or <paramref name="c"/> overlaps an input.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckLeadingDimension(lda, aCols, aRows, "lda", "A", transposeA ? "transposeA = true: A is stored k×m" : "transposeA = false: A is stored m×k");
        CheckLeadingDimension(ldb, bCols, bRows, "ldb", "B", transposeB ? "transposeB = true: B is stored n×k" : "transposeB = false: B is stored k×n");
        CheckLeadingDimension(ldc, n, m, "ldc", "C", "C is m×n");

        if (m == 0 || n == 0) return;    // empty output: nothing is read or written

        long needB = Required(bRows, bCols, ldb);
        if (b.Length < needB)
            throw new ArgumentException($"b has {b.Length} elements but op(B) {k}×{n} (stored {bRows}×{bCols}) with ldb {ldb} needs {needB}.", nameof(b));
        if (!CheckLengthsOfAAndC(transposeA, m, n, k, a, lda, c, ldc, accumulate, out var cUsed)) return;
        if (cUsed.Overlaps(b.Slice(0, (int)needB)))
            throw new ArgumentException("c overlaps b: the output must not alias an input.", nameof(c));

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Run(transposeA, transposeB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
        }
    }

    /// <summary>
    /// The checks <see cref="Multiply"/> and <see cref="MultiplyPacked(bool, int, int, int, ReadOnlySpan{float}, int, PackedB, Span{float}, int, bool)"/> share once the sizes are valid and the output
    /// is not empty: the lengths of a and c, then <c>k = 0</c> (C's window cleared unless accumulating), then c
    /// overlapping a. Returns false when nothing is left to compute; <paramref name="cUsed"/> is C's window.
    /// </summary>
    private static bool CheckLengthsOfAAndC(bool transposeA, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        Span<float> c, int ldc, bool accumulate, out Span<float> cUsed)
    {
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        long needA = Required(aRows, aCols, lda), needC = Required(m, n, ldc);
        if (a.Length < needA)
            throw new ArgumentException($"a has {a.Length} elements but op(A) {m}×{k} (stored {aRows}×{aCols}) with lda {lda} needs {needA}.", nameof(a));
        if (c.Length < needC)
            throw new ArgumentException($"c has {c.Length} elements but C {m}×{n} with ldc {ldc} needs {needC}.", nameof(c));
        cUsed = c.Slice(0, (int)needC);
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) cUsed.Slice(i * ldc, n).Clear();
            return false;
        }
        if (cUsed.Overlaps(a.Slice(0, (int)needA)))
            throw new ArgumentException("c overlaps a: the output must not alias an input.", nameof(c));
        return true;
    }

    private static void CheckLeadingDimension(int ld, int rowLength, int rows, string name, string matrix, string layout)
    {
        if (ld < rowLength || ld < 0)
            throw new ArgumentOutOfRangeException(name, ld,
                $"{name} ({ld}) is less than {rowLength}, the row length of {matrix} as stored ({rows}×{rowLength}; {layout}).");
    }

    private static long Required(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;

    // ------------------------------------------------------------------------------------------------------------
    // Driver
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>Shared state of one call: operands, tiling, and the counters workers claim panels and tiles from.</summary>
    private sealed class Job
    {
        public float* A, B, C, PackedB;
        public int Lda, Ldb, Ldc, M, N, K, Kc;
        public bool TransA, TransB, Accumulate;
        public KernelKind Kind;

        // Current column chunk [J0, J0 + Cols) of C.
        public int J0, Cols;

        // Tiling of the chunk: TilesM × TilesN tiles of Mc rows × Nc columns (Mc multiple of MR, Nc of NR).
        public int Mc, Nc, TilesM, TilesN;

        // Floats between consecutive NR-column panels of PackedB (k·NR when packed by this call; the packed matrix's
        // full depth times NR for a prepacked B used to a smaller depth).
        public nint PanelStride;

        // Packing B: the chunk's k rows in PackUnits ranges of PackRows rows, each across every panel.
        public int PackRows, PackUnits;

        // Work claiming (reset per chunk); a prepacked B starts with every range packed.
        public int NextPackUnit, DonePackUnits, NextTile;

        public bool InUse;
        public readonly Action<int> Worker;

        public Job() => Worker = RunWorker;

        private void RunWorker(int _)
        {
            switch (Kind)
            {
                case KernelKind.Vector512: Work<Avx512Kernel>(this); break;
                case KernelKind.Vector256: Work<Avx2Kernel>(this); break;
                default: Work<ScalarKernel>(this); break;
            }
        }
    }

    private static void Run(bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        KernelKind kind = s_kernel;
        int threads = ThreadsFor(m, n, k);
        if (m <= FewRows && !transA && kind != KernelKind.Scalar)
        {
            RunFewRows(transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, threads);
            return;
        }
        int parts = DepthParts(transA, m, n, k);
        if (parts > 1) RunCut(kind, transB, m, n, k, parts, a, lda, b, ldb, c, ldc, accumulate, threads);
        else RunWhole(kind, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, threads);
    }

    /// <summary>An Aᵀ·op(B) product in <paramref name="parts"/> ranges of k (<see cref="RunInDepthParts"/>); a method of its
    /// own so that only these calls allocate the parts' closure.</summary>
    private static void RunCut(KernelKind kind, bool transB, int m, int n, int k, int parts,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int threads)
    {
        nint pa = (nint)a, pb = (nint)b;
        RunInDepthParts(m, n, k, parts, c, ldc, accumulate, threads, (p0, depth, cPart, ldcPart, acc, partThreads) =>
            RunWhole(kind, true, transB, m, n, depth, (float*)pa + (nint)p0 * lda, lda,
                transB ? (float*)pb + p0 : (float*)pb + (nint)p0 * ldb, ldb, cPart, ldcPart, acc, partThreads));
    }

    /// <summary>The packed path over the whole depth of one product on up to <paramref name="threads"/> workers.</summary>
    [SkipLocalsInit]
    private static void RunWhole(KernelKind kind, bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int threads)
    {
        var (mr, nr) = TileOf(kind);

        // Column chunks bound the packed-B buffer; each chunk is a full pass (pack B, then all its tiles).
        int chunkCols = (int)Math.Min(RoundUp(n, nr), Math.Max(nr, MaxPackedB / k / nr * nr));
        long packedFloats = (long)k * chunkCols;

        if (packedFloats + AlignSlack > Array.MaxLength)
            throw new NotSupportedException($"k = {k} is too large: one packed panel of op(B) would need {packedFloats} floats.");

        Job job = RentJob();
        try
        {
            Describe(job, kind, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

            if (packedFloats <= StackPackedB)
            {
                // Small problems: packed B on the stack, no pool round trip.
                float* packedRaw = stackalloc float[StackPackedB + AlignSlack];
                RunChunks(job, Align64(packedRaw), chunkCols, mr, nr, threads);
            }
            else
            {
                float[] packedArray = ArrayPool<float>.Shared.Rent((int)packedFloats + AlignSlack);
                try
                {
                    fixed (float* packedRaw = packedArray)
                        RunChunks(job, Align64(packedRaw), chunkCols, mr, nr, threads);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(packedArray);
                }
            }
        }
        finally
        {
            ReturnJob(job);
        }
    }

    /// <summary>The register tile (rows MR, columns NR) of a kernel.</summary>
    private static (int Mr, int Nr) TileOf(KernelKind kind) => kind switch
    {
        KernelKind.Vector512 => (Avx512Kernel.MR, Avx512Kernel.NR),
        KernelKind.Vector256 => (Avx2Kernel.MR, Avx2Kernel.NR),
        _ => (ScalarKernel.MR, ScalarKernel.NR),
    };

    /// <summary>Workers for an m×n×k product: one below <see cref="ParallelThreshold"/> multiply-adds.</summary>
    private static int ThreadsFor(int m, int n, int k) =>
        (long)m * n * k >= ParallelThreshold ? Math.Min(Compute.CurrentMaxThreads, Environment.ProcessorCount) : 1;

    /// <summary>Depth of the k blocks: k split into equal blocks of at most <see cref="KBlockLimit"/>, rounded up to 8.</summary>
    private static int KBlock(int k, KernelKind kind)
    {
        int limit = KBlockLimit(kind);
        int kBlocks = (k + limit - 1) / limit;
        return Math.Min(limit, RoundUp((k + kBlocks - 1) / kBlocks, 8));
    }

    /// <summary>
    /// The deepest k block of <paramref name="kind"/>'s products: <see cref="MaxKc"/> (1,024) when its A micro-panel of
    /// that depth (MR × 1,024 floats) takes at most two thirds of the L1 data cache
    /// (<see cref="ProcessorCaches.L1DataBytes"/>; 48 KiB for the 8-row kernel's 32 KiB), else 512. A product up to
    /// 1,024 deep then runs as one block, packing each A strip once and storing each tile of C once instead of twice:
    /// SGEMM 1024³ ran 1.045–1.09× faster on two threads of the AVX-512 machine of the performance notes (48 KiB L1),
    /// 2048×1024×1024 1.04–1.12×, the train steps' 704-deep products 0.97–1.02× and shallower ones unchanged. The
    /// block depth never changes the arithmetic (see the class remarks), only the speed.
    /// </summary>
    internal static int KBlockLimit(KernelKind kind)
    {
        if (s_kBlockOverride != 0) return s_kBlockOverride;
        int panelBytes = TileOf(kind).Mr * MaxKc * sizeof(float);
        return ProcessorCaches.L1DataBytes is int l1 && 3L * panelBytes <= 2L * l1 ? MaxKc : SmallCacheKc;
    }

    /// <summary>
    /// Forces the k-block depth limit for subsequent calls (a multiple of 8 up to <see cref="MaxKc"/>), or 0 for the
    /// cache-based choice of <see cref="KBlockLimit"/>: tests use it to run several blocks on any machine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 0 or a multiple of 8 in [8, 1024].</exception>
    internal static int KBlockOverride
    {
        get => s_kBlockOverride;
        set
        {
            if (value != 0 && (value < 8 || value > MaxKc || value % 8 != 0))
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The k-block depth must be 0 (by cache) or a multiple of 8 in [8, {MaxKc}].");
            s_kBlockOverride = value;
        }
    }

    /// <summary>This thread's job (a new one when it is in use by an outer call on the same thread).</summary>
    private static Job RentJob()
    {
        Job? job = t_job;
        if (job is null || job.InUse) { job = new Job(); t_job ??= job; }
        job.InUse = true;
        return job;
    }

    /// <summary>Releases a job from <see cref="RentJob"/>, dropping its pointers.</summary>
    private static void ReturnJob(Job job)
    {
        job.A = job.B = job.C = job.PackedB = null;
        job.InUse = false;
    }

    /// <summary>Rows of op(A) up to which <see cref="RunFewRows"/> replaces the packed path.</summary>
    private const int FewRows = 4;

    /// <summary>Rows of A (not transposed) up to which a product reads B in place rather than packing it: a prepacked B
    /// (<see cref="PackB"/>) pays off only for more rows.</summary>
    internal const int FewRowsLimit = FewRows;

    /// <summary>Columns of C per parallel task of <see cref="RunFewRows"/> (a multiple of <see cref="FewRowsPanel"/>).</summary>
    private const int FewRowsChunk = 128;

    /// <summary>Columns of one <see cref="RunFewRows"/> panel: four vectors of 8, so each row runs four independent FMA chains.</summary>
    private const int FewRowsPanel = 32;

    /// <summary>Depth of one <see cref="RunFewRows"/> slice of a B stored k×n: 128 rows × 32 floats, 16 KB, stays in L1 while every row uses it.</summary>
    private const int FewRowsKc = 128;

    /// <summary>Depth of one <see cref="RunFewRows"/> panel of a B stored n×k: up to 2,048 × 32 floats (256 KB, in L2), so
    /// the 32 stored rows are read along all of k in one pass for any weight of a model this size.</summary>
    private const int FewRowsTransposedKc = 2048;

    /// <summary>
    /// C = op(A)·op(B) for at most <see cref="FewRows"/> rows of A (not transposed), as decoding a token multiplies one
    /// row by every weight: the packed path would copy the whole of B into panels for the 8-row micro-kernel and then
    /// run it on mostly empty rows (in a profile of one-row decoding on the Small preset, 59% of the time was packing B,
    /// and later a fifth). Here B is read once, 32 columns at a time, and every row of A runs over those columns with
    /// four vector accumulators, one per 8 columns, so four FMA chains are in flight. When B is stored n×k (a weight
    /// <c>[out, in]</c>), its 32 rows are transposed into a k × 32 panel (k up to 2,048 at a time). When B is stored k×n, a whole 32-column
    /// slice of 128 k rows is read in place (an edge slice is copied). Each element is the same fused-multiply-add
    /// chain in ascending k, from zero or from C, as on the packed path: the results are bit-identical to it, so a
    /// batch of rows and one row at a time agree. Tasks are disjoint column ranges, so any thread count gives the same
    /// bits.
    /// </summary>
    private static void RunFewRows(bool transB, int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, int threads)
    {
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        int chunks = (n + FewRowsChunk - 1) / FewRowsChunk;
        int depth = Math.Min(k, transB ? FewRowsTransposedKc : FewRowsKc);
        [SkipLocalsInit]
        void Chunk(int t)
        {
            float[] rented = ArrayPool<float>.Shared.Rent(depth * FewRowsPanel + AlignSlack);
            float* edge = stackalloc float[FewRowsPanel];
            fixed (float* raw = rented)
            {
                float* panel = Align64(raw);
                int end = Math.Min(n, (t + 1) * FewRowsChunk);
                for (int j0 = t * FewRowsChunk; j0 < end; j0 += FewRowsPanel)
                {
                    int cols = Math.Min(FewRowsPanel, end - j0);
                    for (int p0 = 0; p0 < k; p0 += depth)
                    {
                        int kc = Math.Min(depth, k - p0);
                        float* slice = panel;
                        nint stride = FewRowsPanel;
                        if (!transB && cols == FewRowsPanel)
                        {
                            slice = (float*)pb + (nint)p0 * ldb + j0;
                            stride = ldb;
                        }
                        else
                        {
                            PackBPanel(FewRowsPanel, transB, transB ? (float*)pb + p0 : (float*)pb + (nint)p0 * ldb, ldb, j0, cols, kc, panel);
                        }
                        bool load = accumulate || p0 > 0;
                        for (int i = 0; i < m; i++)
                        {
                            float* row = (float*)pc + (nint)i * ldc + j0;
                            FewRowsColumns(kc, (float*)pa + (nint)i * lda + p0, slice, slice + 16, stride, row, cols, load, edge);
                        }
                    }
                }
            }
            ArrayPool<float>.Shared.Return(rented);
        }
        if (threads > 1 && chunks > 1) Compute.For(chunks, Chunk);
        else for (int t = 0; t < chunks; t++) Chunk(t);
    }

    /// <summary>
    /// Up to 32 columns (<paramref name="cols"/>) of one row of C through <see cref="FewRowsRow"/>; fewer than 32 run on a
    /// copy of the row's columns in <paramref name="edge"/> (32 floats) and only the real ones are written back.
    /// </summary>
    private static void FewRowsColumns(int kc, float* a, float* bLow, float* bHigh, nint stride, float* row, int cols, bool load, float* edge)
    {
        if (cols == FewRowsPanel)
        {
            FewRowsRow(kc, a, bLow, bHigh, stride, row, load);
            return;
        }
        new Span<float>(edge, FewRowsPanel).Clear();
        if (load) new ReadOnlySpan<float>(row, cols).CopyTo(new Span<float>(edge, cols));
        FewRowsRow(kc, a, bLow, bHigh, stride, edge, load);
        new ReadOnlySpan<float>(edge, cols).CopyTo(new Span<float>(row, cols));
    }

    /// <summary>
    /// 32 columns of one row of C (<paramref name="c"/>) over <paramref name="kc"/> steps of k: four vector FMA chains in
    /// ascending k, from C when <paramref name="load"/> else from zero; row p of the B slice is 16 floats at
    /// <c>bLow + p·stride</c> (columns 0–15) and 16 at <c>bHigh + p·stride</c> (columns 16–31): one 32-wide slice read in
    /// place or transposed (<c>bHigh = bLow + 16</c>, see <see cref="RunFewRows"/>), or two prepacked 16-wide panels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FewRowsRow(int kc, float* a, float* bLow, float* bHigh, nint stride, float* c, bool load)
    {
        Vector256<float> c0, c1, c2, c3;
        if (load)
        {
            c0 = Vector256.Load(c); c1 = Vector256.Load(c + 8); c2 = Vector256.Load(c + 16); c3 = Vector256.Load(c + 24);
        }
        else
        {
            c0 = c1 = c2 = c3 = Vector256<float>.Zero;
        }
        for (int p = 0; p < kc; p++, bLow += stride, bHigh += stride)
        {
            var ap = Vector256.Create(a[p]);
            c0 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(bLow), c0);
            c1 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(bLow + 8), c1);
            c2 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(bHigh), c2);
            c3 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(bHigh + 8), c3);
        }
        Vector256.Store(c0, c); Vector256.Store(c1, c + 8); Vector256.Store(c2, c + 16); Vector256.Store(c3, c + 24);
    }

    /// <summary>Runs the column chunks of one call: per chunk, plan the tiles and run the workers.</summary>
    private static void RunChunks(Job job, float* packedB, int chunkCols, int mr, int nr, int threads)
    {
        job.PackedB = packedB;
        for (int j0 = 0; j0 < job.N; j0 += chunkCols)
        {
            StartChunk(job, j0, Math.Min(chunkCols, job.N - j0), (nint)job.K * nr, packed: false, threads);
            RunTiles(job, mr, nr, threads);
        }
    }

    /// <summary>Sets a job's operands, sizes, layout and k-block depth for one call.</summary>
    private static void Describe(Job job, KernelKind kind, bool transA, bool transB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        job.A = a; job.B = b; job.C = c;
        job.Lda = lda; job.Ldb = ldb; job.Ldc = ldc; job.M = m; job.N = n; job.K = k;
        job.TransA = transA; job.TransB = transB; job.Accumulate = accumulate; job.Kind = kind;
        job.Kc = KBlock(k, kind);
    }

    /// <summary>
    /// Makes columns [j0, j0 + cols) of C the job's current chunk, its B panels <paramref name="panelStride"/> floats
    /// apart; a <paramref name="packed"/> B (prepacked) starts with every panel done, otherwise the workers pack them,
    /// in ranges of k rows across all panels: about four ranges per worker (at least 16 rows each), so a narrow B (a
    /// few panels, as in a weight gradient with k = the batch's tokens) is packed by every worker, not one.
    /// </summary>
    private static void StartChunk(Job job, int j0, int cols, nint panelStride, bool packed, int threads = 1)
    {
        job.J0 = j0;
        job.Cols = cols;
        job.PanelStride = panelStride;
        job.PackRows = packed ? 0 : Math.Max(16, RoundUp((job.K + 4 * threads - 1) / (4 * threads), 8));
        job.PackUnits = packed ? 0 : (job.K + job.PackRows - 1) / job.PackRows;
        job.NextPackUnit = job.DonePackUnits = 0;
    }

    /// <summary>Plans the tiles of the current chunk and runs the workers over them (B packed or being packed).</summary>
    private static void RunTiles(Job job, int mr, int nr, int threads)
    {
        Plan(job, job.M, job.Cols, job.K, mr, nr, threads);
        job.NextTile = 0;
        int workers = Math.Min(threads, job.TilesM * job.TilesN);
        if (workers <= 1) job.Worker(0);
        else Compute.For(workers, job.Worker);
    }

    /// <summary>
    /// Chooses the tile grid of one chunk. Tiles never change the arithmetic (see the class remarks), only the
    /// load balance and the packing overhead: one thread uses full-width tiles of <see cref="SerialMc"/> rows;
    /// several threads get a grid minimising an estimated makespan.
    /// </summary>
    private static void Plan(Job job, int m, int n, int k, int mr, int nr, int threads)
    {
        int mu = (m + mr - 1) / mr, nu = (n + nr - 1) / nr;    // micro-tile rows / columns
        int maxMt = MaxMc / mr;
        if (threads <= 1)
        {
            int tm = (mu + SerialMc / mr - 1) / (SerialMc / mr);
            SetGrid(job, mu, nu, (mu + tm - 1) / tm, nu, mr, nr);
            return;
        }

        // Cost of a tile of mt × nt micro-tiles, in units of one micro-tile over the whole k: the compute mt·nt,
        // packing its A rows (≈ mt/4; splitting the columns repeats it) and a fixed overhead (≈ 2000 cycles, or
        // ReadingTileOverhead when the kernels read C). Tiles are claimed dynamically, so the makespan is about
        // (rounds + ½) tiles.
        double overhead = job.Accumulate || k > job.Kc ? ReadingTileOverhead : 128.0 / k;
        double best = double.MaxValue;
        int bestMt = Math.Min(maxMt, mu), bestNt = nu;
        for (int tn = 1; tn <= Math.Min(nu, 4 * threads); tn++)
        {
            int nt = (nu + tn - 1) / tn;
            if ((nu + nt - 1) / nt != tn) continue;
            for (int mt = Math.Min(maxMt, mu); mt >= 1; mt--)
            {
                int tm = (mu + mt - 1) / mt;
                if (mt > 1 && (mu + mt - 2) / (mt - 1) == tm) continue;    // same grid as mt − 1 with a smaller tile
                int rounds = (tm * tn + threads - 1) / threads;
                double tile = mt * (double)nt + 0.25 * mt + overhead;
                double cost = (rounds + 0.5) * tile;
                if (cost < best * 0.999) { best = cost; bestMt = mt; bestNt = nt; }
            }
        }
        SetGrid(job, mu, nu, bestMt, bestNt, mr, nr);
    }

    /// <summary>
    /// Fixed cost, in <see cref="Plan"/>'s units (one micro-tile over the whole k), of one tile of a product whose
    /// micro-kernels read C: one that accumulates into C, or one deeper than a k block (C is stored and reloaded between
    /// blocks). Small tiles of such products ran 4–10% slower on two threads (the harness of the 2026-12-02 performance
    /// notes: 2048×256×256 and 2048×256×704 into C, 7–10%; 2048×256×704, ×768, ×1408 and ×4096 from zero, 4–6%), so they
    /// take fewer, larger tiles.
    /// </summary>
    private const double ReadingTileOverhead = 32;

    private static void SetGrid(Job job, int mu, int nu, int mt, int nt, int mr, int nr)
    {
        job.Mc = mt * mr;
        job.Nc = nt * nr;
        job.TilesM = (mu + mt - 1) / mt;
        job.TilesN = (nu + nt - 1) / nt;
    }

    private static int RoundUp(int x, int to) => (x + to - 1) / to * to;

    private static float* Align64(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);

    /// <summary>
    /// One worker: claims and packs ranges of the chunk's B rows, waits until all of B is packed, then claims tiles of C
    /// until none remain. Claiming is dynamic, but each tile's arithmetic is fixed, so results do not depend on
    /// which worker computes what.
    /// </summary>
    [SkipLocalsInit]
    private static void Work<TK>(Job job) where TK : struct, IMicroKernel
    {
        int k = job.K, units = job.PackUnits;
        while (true)
        {
            int u = Interlocked.Increment(ref job.NextPackUnit) - 1;
            if (u >= units) break;
            int p0 = u * job.PackRows;
            PackBRows(TK.NR, job.TransB, job.B, job.Ldb, job.J0, job.Cols, p0, Math.Min(job.PackRows, k - p0), job.PackedB, job.PanelStride);
            Interlocked.Increment(ref job.DonePackUnits);
        }
        if (Volatile.Read(ref job.DonePackUnits) < units)
        {
            // Only other workers' in-flight ranges remain: spin briefly (never sleep) until they land.
            var spin = new SpinWait();
            while (Volatile.Read(ref job.DonePackUnits) < units) spin.SpinOnce(sleep1Threshold: -1);
        }

        int tiles = job.TilesM * job.TilesN;
        if (Volatile.Read(ref job.NextTile) >= tiles) return;

        // A micro-panel (MR × Kc, packed just in time, L1-resident) and a scratch tile for edges, on the stack.
        // (+8: the 6-row packing's last 8-float store may run 2 floats past the panel.)
        float* aRaw = stackalloc float[TK.MR * MaxKc + AlignSlack + 8];
        float* edgeRaw = stackalloc float[TK.MR * TK.NR + AlignSlack];
        float* aPanel = Align64(aRaw), edgeTile = Align64(edgeRaw);
        new Span<float>(edgeTile, TK.MR * TK.NR).Clear();
        while (true)
        {
            int t = Interlocked.Increment(ref job.NextTile) - 1;
            if (t >= tiles) break;
            ComputeTile<TK>(job, t, aPanel, edgeTile);
        }
    }

    /// <summary>
    /// Computes tile <paramref name="t"/> of the chunk. For each k block, and within it each MR-row strip of the tile:
    /// pack the strip's A micro-panel (it then stays in L1), and sweep it across all NR-column B micro-panels of the
    /// tile's k block, which stays in L2 for all the strips. The tile of C stays cache-resident across the k blocks.
    /// </summary>
    private static void ComputeTile<TK>(Job job, int t, float* aPanel, float* edgeTile) where TK : struct, IMicroKernel
    {
        int mr = TK.MR, nr = TK.NR;
        int tm = t / job.TilesN, tn = t - tm * job.TilesN;
        int i0 = tm * job.Mc, rows = Math.Min(job.Mc, job.M - i0);
        int jc = tn * job.Nc, cols = Math.Min(job.Nc, job.Cols - jc);
        int k = job.K, kcMax = job.Kc, ldc = job.Ldc;
        nint panelStride = job.PanelStride;
        float* cTile = job.C + (nint)i0 * ldc + job.J0 + jc;
        float* bTile = job.PackedB + (jc / nr) * panelStride;

        // k blocks outermost: the tile's B block (kc × tile width) stays cache-resident while every strip of the tile
        // passes over it, instead of all of B streaming by once per strip. Each element still gets its k blocks in
        // ascending order (C is stored and reloaded between them), so the bits do not change.
        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            for (int ir = 0; ir < rows; ir += mr)
            {
                int nrows = Math.Min(mr, rows - ir);
                float* cStrip = cTile + (nint)ir * ldc;
                PackAPanel(mr, job.TransA, job.A, job.Lda, i0 + ir, nrows, pc, kc, aPanel);
                bool load = job.Accumulate || pc > 0;
                float* pb = bTile + (nint)pc * nr;
                for (int jr = 0; jr < cols; jr += nr, pb += panelStride)
                {
                    int ncols = Math.Min(nr, cols - jr);
                    float* cp = cStrip + jr;
                    if (nrows == mr && ncols == nr)
                    {
                        TK.Run(kc, aPanel, pb, cp, ldc, load);
                        continue;
                    }

                    // Edge tile: run the full kernel on a scratch tile (zero-padded panels), move only the valid part.
                    if (load)
                        for (int r = 0; r < nrows; r++)
                            new ReadOnlySpan<float>(cp + (nint)r * ldc, ncols).CopyTo(new Span<float>(edgeTile + r * nr, ncols));
                    TK.Run(kc, aPanel, pb, edgeTile, nr, load);
                    for (int r = 0; r < nrows; r++)
                        new ReadOnlySpan<float>(edgeTile + r * nr, ncols).CopyTo(new Span<float>(cp + (nint)r * ldc, ncols));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Packing
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Packs one A micro-panel: rows [i0, i0 + rows) (rows ≤ MR) × k range [p0, p0 + kc) of op(A), as
    /// <c>dst[p·MR + r] = op(A)[i0 + r, p0 + p]</c>, zero for r ≥ rows.
    /// </summary>
    private static void PackAPanel(int mr, bool transA, float* a, int lda, int i0, int rows, int p0, int kc, float* dst)
    {
        if (transA)
        {
            // op(A)[i, p] = a[p·lda + i]: each p contributes MR consecutive floats.
            float* src = a + (nint)p0 * lda + i0;
            if (rows == 8 && mr == 8 && Vector256.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++)
                    Vector256.Store(Vector256.Load(src + (nint)p * lda), dst + p * 8);
            }
            else if (rows == 6 && mr == 6 && Vector128.IsHardwareAccelerated)
            {
                // Six floats per p: one 4-float and one 2-float copy (never reading past row i0 + 5).
                for (int p = 0; p < kc; p++)
                {
                    float* s = src + (nint)p * lda;
                    Vector128.Store(Vector128.Load(s), dst + p * 6);
                    *(ulong*)(dst + p * 6 + 4) = *(ulong*)(s + 4);
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* s = src + (nint)p * lda;
                    float* o = dst + p * mr;
                    int r = 0;
                    for (; r < rows; r++) o[r] = s[r];
                    for (; r < mr; r++) o[r] = 0f;
                }
            }
        }
        else
        {
            // op(A)[i, p] = a[i·lda + p]: rows are contiguous in p, so transpose MR×kc into kc×MR.
            float* src = a + (nint)i0 * lda + p0;
            int p = 0;
            if (rows == 8 && mr == 8 && Avx.IsSupported)
                for (; p + 8 <= kc; p += 8)
                    RegisterTranspose.Block8x8(src + p, lda, dst + p * 8, 8);
            else if (rows == 6 && mr == 6 && Avx.IsSupported)
                for (; p + 8 <= kc; p += 8)
                    RegisterTranspose.Block6x8(src + p, lda, dst + p * 6);
            if (p < kc)
            {
                for (int r = 0; r < rows; r++)
                {
                    float* s = src + (nint)r * lda;
                    for (int pp = p; pp < kc; pp++) dst[pp * mr + r] = s[pp];
                }
                for (int r = rows; r < mr; r++)
                    for (int pp = p; pp < kc; pp++) dst[pp * mr + r] = 0f;
            }
        }
    }

    /// <summary>Panels a row of B stored k×n is copied into at a time by <see cref="PackBRows"/> (eight: 1 KB of the row).</summary>
    private const int RowPanels = 8;

    /// <summary>
    /// Packs rows [p0, p0 + rows) of op(B) into every panel of columns [j0, j0 + cols) (the last panel partly,
    /// zero-padded): <c>dst[q·panelStride + p·NR + j] = op(B)[p, j0 + q·NR + j]</c>, as <see cref="PackBPanel"/> packs a
    /// whole panel. When B is stored k×n, eight panels at a time take a row of B as one contiguous run of up to 256
    /// floats, instead of NR floats per row-sized stride: packing a 1024 × 1024 B a panel at a time ran at about a
    /// quarter of memcpy's rate on one thread of an AVX-512 machine, eight panels at a time at about half. Workers
    /// share out ranges of rows, so every worker packs even when B has only a few panels.
    /// </summary>
    private static void PackBRows(int nr, bool transB, float* b, int ldb, int j0, int cols, int p0, int rows, float* dst, nint panelStride)
    {
        float* src = transB ? b + p0 : b + (nint)p0 * ldb;
        dst += (nint)p0 * nr;
        int whole = cols / nr, q = 0;
        if (!transB && (nr == 32 || nr == 16) && Vector256.IsHardwareAccelerated)
        {
            for (; q < whole; q += RowPanels)
            {
                int count = Math.Min(RowPanels, whole - q);
                for (int p = 0; p < rows; p++)
                {
                    float* s = src + (nint)p * ldb + j0 + q * nr, o = dst + q * panelStride + p * nr;
                    for (int w = 0; w < count; w++, s += nr, o += panelStride)
                    {
                        Vector256.Store(Vector256.Load(s), o);
                        Vector256.Store(Vector256.Load(s + 8), o + 8);
                        if (nr == 32)
                        {
                            Vector256.Store(Vector256.Load(s + 16), o + 16);
                            Vector256.Store(Vector256.Load(s + 24), o + 24);
                        }
                    }
                }
            }
            q = whole;
        }
        for (; q * nr < cols; q++)
            PackBPanel(nr, transB, src, ldb, j0 + q * nr, Math.Min(nr, cols - q * nr), rows, dst + q * panelStride);
    }

    /// <summary>
    /// Packs columns [j0, j0 + cols) (cols ≤ NR) of op(B), all k rows, into one micro-panel:
    /// <c>dst[p·NR + j] = op(B)[p, j0 + j]</c>, zero for j ≥ cols.
    /// </summary>
    private static void PackBPanel(int nr, bool transB, float* b, int ldb, int j0, int cols, int k, float* dst)
    {
        if (!transB)
        {
            // op(B)[p, j] = b[p·ldb + j]: each p contributes NR consecutive floats. Full 16- and 32-wide panels are
            // copied with vectors, a row at a time across several panels, by PackBRows; this serves edge panels,
            // the scalar kernel and the few-rows path's edge slices.
            float* src = b + j0;
            for (int p = 0; p < k; p++)
            {
                float* s = src + (nint)p * ldb;
                float* o = dst + (nint)p * nr;
                int j = 0;
                for (; j < cols; j++) o[j] = s[j];
                for (; j < nr; j++) o[j] = 0f;
            }
        }
        else
        {
            // op(B)[p, j] = b[j·ldb + p]: rows of the stored B are contiguous in p; transpose cols×k into k×NR.
            float* src = b + (nint)j0 * ldb;
            int p = 0;
            if (cols == nr && (nr & 7) == 0 && Avx.IsSupported)
            {
                for (; p + 8 <= k; p += 8)
                    for (int j = 0; j < nr; j += 8)
                        RegisterTranspose.Block8x8(src + (nint)j * ldb + p, ldb, dst + (nint)p * nr + j, nr);
            }
            if (p < k)
            {
                for (int j = 0; j < cols; j++)
                {
                    float* s = src + (nint)j * ldb;
                    for (int pp = p; pp < k; pp++) dst[(nint)pp * nr + j] = s[pp];
                }
                for (int j = cols; j < nr; j++)
                    for (int pp = p; pp < k; pp++) dst[(nint)pp * nr + j] = 0f;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Micro-kernels
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A register-blocked micro-kernel: <c>C[MR×NR] (+)= Apanel[MR×kc] · Bpanel[kc×NR]</c>, where the A panel holds
    /// MR floats per k step and the B panel NR floats per k step (see the packing routines).
    /// </summary>
    private interface IMicroKernel
    {
        /// <summary>Rows of the register tile.</summary>
        static abstract int MR { get; }

        /// <summary>Columns of the register tile.</summary>
        static abstract int NR { get; }

        /// <summary>
        /// Runs kc rank-1 updates on the MR×NR tile at <paramref name="c"/> (row stride <paramref name="ldc"/>),
        /// starting from the current C values when <paramref name="load"/> is true and from zero otherwise.
        /// </summary>
        static abstract void Run(int kc, float* a, float* b, float* c, int ldc, bool load);
    }

    /// <summary>
    /// AVX-512 kernel, 8 rows × 32 columns. Registers: 16 accumulators <c>cR0, cR1</c> (row R, columns 0–15 and
    /// 16–31), 2 B vectors per k step, one broadcast A value; 16 FMAs per 2 vector loads + 8 broadcasts.
    /// </summary>
    private readonly struct Avx512Kernel : IMicroKernel
    {
        public static int MR => 8;
        public static int NR => 32;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, float* b, float* c, int ldc, bool load)
        {
            nint ld = ldc;
            Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
            if (load)
            {
                c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16);
                c10 = Vector512.Load(c + ld); c11 = Vector512.Load(c + ld + 16);
                c20 = Vector512.Load(c + 2 * ld); c21 = Vector512.Load(c + 2 * ld + 16);
                c30 = Vector512.Load(c + 3 * ld); c31 = Vector512.Load(c + 3 * ld + 16);
                c40 = Vector512.Load(c + 4 * ld); c41 = Vector512.Load(c + 4 * ld + 16);
                c50 = Vector512.Load(c + 5 * ld); c51 = Vector512.Load(c + 5 * ld + 16);
                c60 = Vector512.Load(c + 6 * ld); c61 = Vector512.Load(c + 6 * ld + 16);
                c70 = Vector512.Load(c + 7 * ld); c71 = Vector512.Load(c + 7 * ld + 16);
            }
            else
            {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
                c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
            }

            for (int p = 0; p < kc; p++)
            {
                // b0 = B[p, 0..15], b1 = B[p, 16..31]; each A[r, p] is broadcast to all 16 lanes and multiplied
                // into row r's two accumulators: cR0[j] += A[r,p]·B[p,j], cR1[j] += A[r,p]·B[p,16+j].
                var b0 = Vector512.Load(b);
                var b1 = Vector512.Load(b + 16);
                var ar = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(ar, b0, c00); c01 = Vector512.FusedMultiplyAdd(ar, b1, c01);
                ar = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(ar, b0, c10); c11 = Vector512.FusedMultiplyAdd(ar, b1, c11);
                ar = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(ar, b0, c20); c21 = Vector512.FusedMultiplyAdd(ar, b1, c21);
                ar = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(ar, b0, c30); c31 = Vector512.FusedMultiplyAdd(ar, b1, c31);
                ar = Vector512.Create(a[4]);
                c40 = Vector512.FusedMultiplyAdd(ar, b0, c40); c41 = Vector512.FusedMultiplyAdd(ar, b1, c41);
                ar = Vector512.Create(a[5]);
                c50 = Vector512.FusedMultiplyAdd(ar, b0, c50); c51 = Vector512.FusedMultiplyAdd(ar, b1, c51);
                ar = Vector512.Create(a[6]);
                c60 = Vector512.FusedMultiplyAdd(ar, b0, c60); c61 = Vector512.FusedMultiplyAdd(ar, b1, c61);
                ar = Vector512.Create(a[7]);
                c70 = Vector512.FusedMultiplyAdd(ar, b0, c70); c71 = Vector512.FusedMultiplyAdd(ar, b1, c71);
                a += 8;
                b += 32;
            }

            Vector512.Store(c00, c); Vector512.Store(c01, c + 16);
            Vector512.Store(c10, c + ld); Vector512.Store(c11, c + ld + 16);
            Vector512.Store(c20, c + 2 * ld); Vector512.Store(c21, c + 2 * ld + 16);
            Vector512.Store(c30, c + 3 * ld); Vector512.Store(c31, c + 3 * ld + 16);
            Vector512.Store(c40, c + 4 * ld); Vector512.Store(c41, c + 4 * ld + 16);
            Vector512.Store(c50, c + 5 * ld); Vector512.Store(c51, c + 5 * ld + 16);
            Vector512.Store(c60, c + 6 * ld); Vector512.Store(c61, c + 6 * ld + 16);
            Vector512.Store(c70, c + 7 * ld); Vector512.Store(c71, c + 7 * ld + 16);
        }
    }

    /// <summary>
    /// AVX2 + FMA kernel, 6 rows × 16 columns. Registers (16 ymm): 12 accumulators <c>cR0, cR1</c> (row R, columns
    /// 0–7 and 8–15), 2 B vectors, one broadcast A value.
    /// </summary>
    private readonly struct Avx2Kernel : IMicroKernel
    {
        public static int MR => 6;
        public static int NR => 16;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, float* b, float* c, int ldc, bool load)
        {
            nint ld = ldc;
            Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
            if (load)
            {
                c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
                c10 = Vector256.Load(c + ld); c11 = Vector256.Load(c + ld + 8);
                c20 = Vector256.Load(c + 2 * ld); c21 = Vector256.Load(c + 2 * ld + 8);
                c30 = Vector256.Load(c + 3 * ld); c31 = Vector256.Load(c + 3 * ld + 8);
                c40 = Vector256.Load(c + 4 * ld); c41 = Vector256.Load(c + 4 * ld + 8);
                c50 = Vector256.Load(c + 5 * ld); c51 = Vector256.Load(c + 5 * ld + 8);
            }
            else
            {
                c00 = c01 = c10 = c11 = c20 = c21 = Vector256<float>.Zero;
                c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
            }

            for (int p = 0; p < kc; p++)
            {
                // b0 = B[p, 0..7], b1 = B[p, 8..15]; A[r, p] broadcast into row r's accumulators.
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + 8);
                var ar = Vector256.Create(a[0]);
                c00 = Vector256.FusedMultiplyAdd(ar, b0, c00); c01 = Vector256.FusedMultiplyAdd(ar, b1, c01);
                ar = Vector256.Create(a[1]);
                c10 = Vector256.FusedMultiplyAdd(ar, b0, c10); c11 = Vector256.FusedMultiplyAdd(ar, b1, c11);
                ar = Vector256.Create(a[2]);
                c20 = Vector256.FusedMultiplyAdd(ar, b0, c20); c21 = Vector256.FusedMultiplyAdd(ar, b1, c21);
                ar = Vector256.Create(a[3]);
                c30 = Vector256.FusedMultiplyAdd(ar, b0, c30); c31 = Vector256.FusedMultiplyAdd(ar, b1, c31);
                ar = Vector256.Create(a[4]);
                c40 = Vector256.FusedMultiplyAdd(ar, b0, c40); c41 = Vector256.FusedMultiplyAdd(ar, b1, c41);
                ar = Vector256.Create(a[5]);
                c50 = Vector256.FusedMultiplyAdd(ar, b0, c50); c51 = Vector256.FusedMultiplyAdd(ar, b1, c51);
                a += 6;
                b += 16;
            }

            Vector256.Store(c00, c); Vector256.Store(c01, c + 8);
            Vector256.Store(c10, c + ld); Vector256.Store(c11, c + ld + 8);
            Vector256.Store(c20, c + 2 * ld); Vector256.Store(c21, c + 2 * ld + 8);
            Vector256.Store(c30, c + 3 * ld); Vector256.Store(c31, c + 3 * ld + 8);
            Vector256.Store(c40, c + 4 * ld); Vector256.Store(c41, c + 4 * ld + 8);
            Vector256.Store(c50, c + 5 * ld); Vector256.Store(c51, c + 5 * ld + 8);
        }
    }

    /// <summary>
    /// Portable scalar kernel, 4 rows × 4 columns: 16 scalar accumulators <c>cRJ</c>, 4 A and 4 B values per k step.
    /// Uses fused multiply-add when the hardware has it (so results match the SIMD kernels), else multiply then add.
    /// </summary>
    private readonly struct ScalarKernel : IMicroKernel
    {
        public static int MR => 4;
        public static int NR => 4;

        public static void Run(int kc, float* a, float* b, float* c, int ldc, bool load)
        {
            nint ld = ldc;
            float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            if (load)
            {
                float* r = c;
                c00 = r[0]; c01 = r[1]; c02 = r[2]; c03 = r[3]; r += ld;
                c10 = r[0]; c11 = r[1]; c12 = r[2]; c13 = r[3]; r += ld;
                c20 = r[0]; c21 = r[1]; c22 = r[2]; c23 = r[3]; r += ld;
                c30 = r[0]; c31 = r[1]; c32 = r[2]; c33 = r[3];
            }

            if (s_scalarFused)
            {
                for (int p = 0; p < kc; p++)
                {
                    float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                    float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                    c00 = MathF.FusedMultiplyAdd(a0, b0, c00); c01 = MathF.FusedMultiplyAdd(a0, b1, c01);
                    c02 = MathF.FusedMultiplyAdd(a0, b2, c02); c03 = MathF.FusedMultiplyAdd(a0, b3, c03);
                    c10 = MathF.FusedMultiplyAdd(a1, b0, c10); c11 = MathF.FusedMultiplyAdd(a1, b1, c11);
                    c12 = MathF.FusedMultiplyAdd(a1, b2, c12); c13 = MathF.FusedMultiplyAdd(a1, b3, c13);
                    c20 = MathF.FusedMultiplyAdd(a2, b0, c20); c21 = MathF.FusedMultiplyAdd(a2, b1, c21);
                    c22 = MathF.FusedMultiplyAdd(a2, b2, c22); c23 = MathF.FusedMultiplyAdd(a2, b3, c23);
                    c30 = MathF.FusedMultiplyAdd(a3, b0, c30); c31 = MathF.FusedMultiplyAdd(a3, b1, c31);
                    c32 = MathF.FusedMultiplyAdd(a3, b2, c32); c33 = MathF.FusedMultiplyAdd(a3, b3, c33);
                    a += 4;
                    b += 4;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                    float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                    a += 4;
                    b += 4;
                }
            }

            float* o = c;
            o[0] = c00; o[1] = c01; o[2] = c02; o[3] = c03; o += ld;
            o[0] = c10; o[1] = c11; o[2] = c12; o[3] = c13; o += ld;
            o[0] = c20; o[1] = c21; o[2] = c22; o[3] = c23; o += ld;
            o[0] = c30; o[1] = c31; o[2] = c32; o[3] = c33;
        }
    }
}
