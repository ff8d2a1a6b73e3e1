using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary>
/// SGEMM against a scalar double-precision reference (fixed seeds). Tolerance per element:
/// <c>|c − ref| ≤ 1e-5 · (|c₀| + Σ_k |op(A)[i,k]|·|op(B)[k,j]|) + 1e-6</c>, where <c>c₀</c> is the initial C value
/// when accumulating (0 otherwise). A float32 FMA chain errs by at most ≈ k·2⁻²⁴ of that magnitude sum (1.5e-5 at
/// k = 257) and in practice by ≈ √k·2⁻²⁴ (random-sign roundings), so 1e-5 holds with a wide margin for the depths
/// used here (≤ 600); the 2050-deep chunking test uses 1e-4.
/// </summary>
[TestFixture]
public partial class SgemmTests
{
    private static readonly int[] Sizes = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 127, 128, 129, 255, 257];

    private const float Sentinel = -12345.5f;

    /// <summary>A fixed-seed sample of (m, n, k) triples from <see cref="Sizes"/>, plus the extremes.</summary>
    private static IEnumerable<(int M, int N, int K)> Triples()
    {
        yield return (1, 1, 1);
        yield return (257, 257, 257);
        yield return (1, 257, 257);
        yield return (257, 1, 257);
        yield return (257, 257, 1);
        yield return (8, 32, 256);
        yield return (16, 64, 512);
        var rng = new Random(20240611);
        for (int i = 0; i < 28; i++)
            yield return (Sizes[rng.Next(Sizes.Length)], Sizes[rng.Next(Sizes.Length)], Sizes[rng.Next(Sizes.Length)]);
    }

    private static IEnumerable<TestCaseData> OddShapeCases()
    {
        int index = 0;
        foreach (var (m, n, k) in Triples())
        {
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    // Leading-dimension padding varies deterministically with the case (1..4 extra columns).
                    int pad = 1 + index++ % 4;
                    yield return new TestCaseData(ta, tb, m, n, k, pad).SetName($"OddShape_{(ta ? "At" : "A")}{(tb ? "Bt" : "B")}_{m}x{n}x{k}_pad{pad}");
                }
        }
    }

    [TestCaseSource(nameof(OddShapeCases))]
    public void OddShapes_MatchReference(bool transA, bool transB, int m, int n, int k, int pad)
    {
        foreach (bool accumulate in new[] { false, true })
            CheckAgainstReference(transA, transB, m, n, k, pad, accumulate, seed: m * 7919 + n * 104729 + k * 31 + pad);
    }

    /// <summary>One case per kernel family, named <paramref name="prefix"/> + the kernel.</summary>
    private static IEnumerable<TestCaseData> KernelCases(string prefix)
    {
        foreach (Sgemm.KernelKind kind in Enum.GetValues<Sgemm.KernelKind>())
            yield return new TestCaseData((int)kind).SetName($"{prefix}{kind}");
    }

    /// <summary>
    /// Runs <paramref name="body"/> with SGEMM forced to <paramref name="kind"/> and restores the kernel afterwards;
    /// ignores the test when this machine lacks that kernel.
    /// </summary>
    private static void OnKernel(Sgemm.KernelKind kind, Action body)
    {
        if (kind > Sgemm.BestKernel) Assert.Ignore($"{kind} is not supported on this machine.");
        var saved = Sgemm.Kernel;
        try
        {
            Sgemm.Kernel = kind;
            body();
        }
        finally
        {
            Sgemm.Kernel = saved;
        }
    }

    /// <summary>Every micro-kernel this machine supports (the narrower ones forced) meets the reference.</summary>
    [TestCaseSource(nameof(KernelCases), new object[] { "KernelPath_" }), NonParallelizable]
    public void EveryKernelPath_MatchesReference(int kindValue) => OnKernel((Sgemm.KernelKind)kindValue, () =>
    {
        (int M, int N, int K)[] shapes = [(1, 1, 1), (7, 17, 5), (33, 31, 257), (65, 129, 63), (129, 65, 300), (13, 40, 16)];
        foreach (var (m, n, k) in shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (bool acc in new[] { false, true })
                        CheckAgainstReference(ta, tb, m, n, k, pad: 3, acc, seed: m + n * 3 + k * 5);
    });

    /// <summary>A product large enough to be split across threads gives bit-identical results for 1, 2 and 3 threads.</summary>
    [TestCase(false, false), TestCase(false, true), TestCase(true, false), TestCase(true, true)]
    [NonParallelizable]
    public void Result_IsBitIdentical_ForAnyThreadCount(bool transA, bool transB)
    {
        const int m = 301, n = 263, k = 517;    // ≈ 41M multiply-adds: above the parallel threshold, odd edges
        var (a, lda, b, ldb) = MakeOperands(transA, transB, m, n, k, pad: 2, seed: 99);
        int ldc = n + 1;
        var initial = RandomArray(m * ldc, new Random(5));
        int saved = Compute.MaxThreads;
        try
        {
            foreach (bool accumulate in new[] { false, true })
            {
                float[]? first = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Compute.MaxThreads = threads;
                    var c = (float[])initial.Clone();
                    Sgemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                    if (first is null) { first = c; continue; }
                    Assert.That(BitsEqual(first, c), Is.True, $"threads={threads}, accumulate={accumulate} differs from threads=1");
                }
            }
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }

    /// <summary>
    /// The documented numerics: each element is one fused multiply-add chain in ascending k starting from C (when
    /// accumulating) or zero, whatever the blocking, tiling and micro-kernel (below the split-K depth of Aᵀ products,
    /// see SgemmTests.DepthParts). Checked bit for bit on FMA hardware,
    /// across several k blocks, for every supported kernel, single-threaded and on the parallel path (whose tile grid
    /// differs).
    /// </summary>
    [Test, NonParallelizable]
    public void Result_IsOneFusedChainInKOrder()
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported)) Assert.Ignore("No hardware FMA: the scalar kernel multiplies then adds.");
        const int m = 19, n = 131, k = 600;    // ≈ 1.5M multiply-adds: above the parallel threshold (2²⁰)
        int saved = Sgemm.KBlockOverride;
        try
        {
            // One block (the cache-based depth on a 48 KiB L1), two of 304 and three of 200 (limits 512 and 256).
            foreach (int limit in new[] { 0, 512, 256 })
            {
                Sgemm.KBlockOverride = limit;
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                        AssertOneFusedChainOnEveryPath(ta, tb, m, n, k, accumulate: true, operandSeed: 3, initialSeed: 4);
            }
        }
        finally
        {
            Sgemm.KBlockOverride = saved;
        }
    }

    /// <summary>
    /// The k-block depth follows the L1 data cache: 1,024 when the kernel's A micro-panel of that depth (MR × 1,024
    /// floats) fits in two thirds of it, else 512; an override must be 0 or a multiple of 8 up to 1,024.
    /// </summary>
    [Test, NonParallelizable]
    public void KBlockLimit_FollowsTheL1DataCache()
    {
        foreach (Sgemm.KernelKind kind in Enum.GetValues<Sgemm.KernelKind>())
        {
            int rows = kind switch { Sgemm.KernelKind.Vector512 => 8, Sgemm.KernelKind.Vector256 => 6, _ => 4 };
            int? l1 = ProcessorCaches.L1DataBytes;
            int expected = l1 is int bytes && 3L * rows * 1024 * sizeof(float) <= 2L * bytes ? 1024 : 512;
            Assert.That(Sgemm.KBlockLimit(kind), Is.EqualTo(expected), $"{kind}, L1 data cache {l1?.ToString() ?? "unknown"} bytes");
        }
        if (ProcessorCaches.L1DataBytes is int size)
            Assert.That(size, Is.InRange(8 * 1024, 1024 * 1024), "a level-1 data cache of a plausible size");
        else if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
            TestContext.Out.WriteLine("This x86 processor reports no L1 data cache size: the k blocks stay 512 deep.");

        int saved = Sgemm.KBlockOverride;
        try
        {
            Sgemm.KBlockOverride = 256;
            Assert.That(Sgemm.KBlockLimit(Sgemm.KernelKind.Vector256), Is.EqualTo(256));
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.KBlockOverride = 2048);
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.KBlockOverride = 100);
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.KBlockOverride = -8);
        }
        finally
        {
            Sgemm.KBlockOverride = saved;
        }
    }

    /// <summary>
    /// One to four rows of A (the decoding shape, computed without packing B) give the same single FMA chain in k
    /// order per element as every other shape: bit-identical to the chain, from zero or from C, for both layouts of B,
    /// edge column blocks, k below and above the packed path's k block, every kernel path and 1 or 2 threads.
    /// </summary>
    [Test, NonParallelizable]
    public void FewRows_AreTheSameFusedChainInKOrder()
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported)) Assert.Ignore("No hardware FMA: the scalar kernel multiplies then adds.");
        // Up to four rows take the unpacked path: whole and edge 32-column panels, one and several k slices (128 deep for
        // a B stored k×n, 2,048 for a transposed one).
        foreach (int m in new[] { 1, 2, 3, 4 })
            foreach (int n in new[] { 1, 7, 8, 9, 131, 513, 1031 })
                foreach (int k in new[] { 1, 7, 8, 9, 129, 600, 2100 })
                    foreach (bool tb in new[] { false, true })
                        foreach (bool accumulate in new[] { false, true })
                            AssertOneFusedChainOnEveryPath(false, tb, m, n, k, accumulate, operandSeed: m * 31 + n * 7 + k, initialSeed: n + k);
    }

    /// <summary>
    /// Every element of C equals, bit for bit, one fused-multiply-add chain over k in ascending order (from C when
    /// accumulating, else from zero), on every kernel path this machine has and with 1 and 2 threads.
    /// </summary>
    private static void AssertOneFusedChainOnEveryPath(bool ta, bool tb, int m, int n, int k, bool accumulate, int operandSeed, int initialSeed)
    {
        var (a, lda, b, ldb) = MakeOperands(ta, tb, m, n, k, pad: 1, seed: operandSeed);
        var initial = RandomArray(m * n, new Random(initialSeed));
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = accumulate ? initial[i * n + j] : 0f;
                for (int p = 0; p < k; p++)
                    sum = MathF.FusedMultiplyAdd(ta ? a[p * lda + i] : a[i * lda + p], tb ? b[j * ldb + p] : b[p * ldb + j], sum);
                expected[i * n + j] = sum;
            }
        ForEveryKernelAndThreadCount([1, 2], (kind, threads) =>
        {
            var c = (float[])initial.Clone();
            Sgemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, n, accumulate);
            Assert.That(BitsEqual(expected, c), Is.True, $"{m}x{n}x{k}, transA={ta}, transB={tb}, accumulate={accumulate}, kernel={kind}, threads={threads}");
        });
    }

    /// <summary>Independent products issued concurrently from several threads give the same results as sequentially.</summary>
    [Test, NonParallelizable]
    public void ConcurrentCalls_OnDisjointOutputs_MatchSequential()
    {
        const int count = 6, m = 130, n = 97, k = 200;
        var inputs = Enumerable.Range(0, count).Select(i => MakeOperands(i % 2 == 0, i % 3 == 0, m, n, k, pad: 0, seed: 40 + i)).ToArray();
        var sequential = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var (a, lda, b, ldb) = inputs[i];
            sequential[i] = new float[m * n];
            Sgemm.Multiply(i % 2 == 0, i % 3 == 0, m, n, k, a, lda, b, ldb, sequential[i], n);
        }
        var concurrent = new float[count][];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (a, lda, b, ldb) = inputs[i];
            concurrent[i] = new float[m * n];
            Sgemm.Multiply(i % 2 == 0, i % 3 == 0, m, n, k, a, lda, b, ldb, concurrent[i], n);
        });
        for (int i = 0; i < count; i++)
            Assert.That(BitsEqual(sequential[i], concurrent[i]), Is.True, $"product {i}");
    }

    /// <summary>Wide B (k·n above the packed-B chunk bound) is processed in column chunks; results still match.</summary>
    [Test]
    public void WideProduct_SpanningSeveralPackedBChunks_MatchesReference()
    {
        CheckAgainstReference(false, false, m: 5, n: 2100, k: 2050, pad: 1, accumulate: false, seed: 12, tolerance: 1e-4);
        CheckAgainstReference(true, true, m: 5, n: 2100, k: 2050, pad: 1, accumulate: true, seed: 13, tolerance: 1e-4);
    }

    [Test]
    public void SmallProduct_HasExactValues()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        var c = new float[4];
        Sgemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2);
        Assert.That(c, Is.EqualTo(new float[] { 58, 64, 139, 154 }));

        // Same product from Aᵀ storage (3×2) and Bᵀ storage (2×3), accumulated onto the previous result.
        float[] at = [1, 4, 2, 5, 3, 6];
        float[] bt = [7, 9, 11, 8, 10, 12];
        Sgemm.Multiply(true, true, 2, 2, 3, at, 2, bt, 3, c, 2, accumulate: true);
        Assert.That(c, Is.EqualTo(new float[] { 116, 128, 278, 308 }));
    }

    [Test]
    public void ZeroK_ClearsWindow_OrLeavesItWhenAccumulating()
    {
        const int m = 3, n = 5, ldc = 7;
        var c = Enumerable.Repeat(Sentinel, (m - 1) * ldc + n + 2).ToArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[i * ldc + j] = 1 + i + j;

        var kept = (float[])c.Clone();
        Sgemm.Multiply(false, false, m, n, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, n, c, ldc, accumulate: true);
        Assert.That(c, Is.EqualTo(kept));

        Sgemm.Multiply(true, true, m, n, 0, ReadOnlySpan<float>.Empty, m, ReadOnlySpan<float>.Empty, 0, c, ldc);
        for (int i = 0; i < c.Length; i++)
        {
            bool inWindow = i / ldc < m && i % ldc < n;
            Assert.That(c[i], Is.EqualTo(inWindow ? 0f : Sentinel), $"element {i}");
        }
    }

    [TestCase(0, 4, 3), TestCase(4, 0, 3), TestCase(0, 0, 0)]
    public void EmptyOutput_IsANoOp(int m, int n, int k)
    {
        var a = new float[Math.Max(1, m * k)];
        var b = new float[Math.Max(1, k * n)];
        var c = new[] { Sentinel, Sentinel };
        Sgemm.Multiply(false, false, m, n, k, a, Math.Max(k, 1), b, Math.Max(n, 1), c, Math.Max(n, 1));
        Sgemm.Multiply(false, false, m, n, k, ReadOnlySpan<float>.Empty, k, ReadOnlySpan<float>.Empty, n, Span<float>.Empty, n);
        Assert.That(c, Is.EqualTo(new[] { Sentinel, Sentinel }));
    }

    [TestCase(-1, 2, 2, "m"), TestCase(2, -1, 2, "n"), TestCase(2, 2, -3, "k")]
    public void NegativeSize_Throws(int m, int n, int k, string name)
    {
        var buffer = new float[64];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Sgemm.Multiply(false, false, m, n, k, buffer, 8, buffer, 8, new float[64], 8));
        Assert.That(ex!.ParamName, Is.EqualTo(name));
    }

    [TestCase(false, false, "lda", 15), TestCase(true, false, "lda", 7), TestCase(false, false, "ldb", 3),
     TestCase(false, true, "ldb", 15), TestCase(false, false, "ldc", 3)]
    public void LeadingDimensionTooSmall_Throws(bool transA, bool transB, string name, int badValue)
    {
        // op(A) 8×16, op(B) 16×4, C 8×4.
        const int m = 8, n = 4, k = 16;
        int lda = transA ? m : k, ldb = transB ? k : n, ldc = n;
        switch (name)
        {
            case "lda": lda = badValue; break;
            case "ldb": ldb = badValue; break;
            default: ldc = badValue; break;
        }
        var big = new float[1024];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Sgemm.Multiply(transA, transB, m, n, k, big, lda, big.AsSpan(512).ToArray(), ldb, new float[256], ldc));
        Assert.That(ex!.ParamName, Is.EqualTo(name));
        Assert.That(ex.Message, Does.Contain($"{name} ({badValue}) is less than"));
    }

    [Test]
    public void ShortA_Throws_WithTheRequiredLength()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, false, 8, 4, 16, new float[100], 16, new float[64], 4, new float[32], 4));
        Assert.That(ex!.ParamName, Is.EqualTo("a"));
        Assert.That(ex.Message, Does.Contain("a has 100 elements").And.Contain("8×16").And.Contain("needs 128"));
    }

    [Test]
    public void ShortB_Throws_WithTheRequiredLength()
    {
        // Bᵀ stored 4×16 with ldb 20: (4 − 1)·20 + 16 = 76.
        var ex = Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, true, 8, 4, 16, new float[128], 16, new float[75], 20, new float[32], 4));
        Assert.That(ex!.ParamName, Is.EqualTo("b"));
        Assert.That(ex.Message, Does.Contain("b has 75 elements").And.Contain("needs 76"));
    }

    [Test]
    public void ShortC_Throws_WithTheRequiredLength()
    {
        // C 8×4 with ldc 6: 7·6 + 4 = 46.
        var ex = Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(true, false, 8, 4, 16, new float[128], 8, new float[64], 4, new float[45], 6));
        Assert.That(ex!.ParamName, Is.EqualTo("c"));
        Assert.That(ex.Message, Does.Contain("c has 45 elements").And.Contain("needs 46"));
    }

    [Test]
    public void OutputOverlappingAnInput_Throws()
    {
        var buffer = new float[256];
        var ex = Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, false, 4, 4, 4, buffer.AsSpan(0, 16), 4, new float[16], 4, buffer.AsSpan(8, 16), 4));
        Assert.That(ex!.ParamName, Is.EqualTo("c"));
        Assert.That(ex.Message, Does.Contain("overlaps a"));
    }

    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs one product on padded operands and checks it against the double reference, and that padding columns and
    /// trailing elements of C are untouched. Padding of A and B holds NaN, so reading it would poison the result.
    /// </summary>
    private static void CheckAgainstReference(bool transA, bool transB, int m, int n, int k, int pad, bool accumulate, int seed,
        double tolerance = 1e-5)
    {
        var (a, lda, b, ldb) = MakeOperands(transA, transB, m, n, k, pad, seed);
        int ldc = n + pad;
        var rng = new Random(seed + 1);
        var c = new float[(m - 1) * ldc + n + 3];
        Array.Fill(c, Sentinel);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[i * ldc + j] = (float)(rng.NextDouble() * 2 - 1);
        var initial = (float[])c.Clone();

        Sgemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = transA ? a[p * lda + i] : a[i * lda + p];
                    double y = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }
                if (accumulate)
                {
                    sum += initial[i * ldc + j];
                    magnitude += Math.Abs(initial[i * ldc + j]);
                }
                double got = c[i * ldc + j];
                if (Math.Abs(got - sum) > tolerance * magnitude + 1e-6)
                    Assert.Fail($"C[{i},{j}] = {got} but reference {sum} (m={m}, n={n}, k={k}, transA={transA}, transB={transB}, accumulate={accumulate})");
            }
        }
        for (int i = 0; i < c.Length; i++)
        {
            if (i / ldc < m && i % ldc < n) continue;
            if (c[i] != Sentinel) Assert.Fail($"element {i} outside the {m}×{n} window (ldc {ldc}) was modified to {c[i]}");
        }
    }

    /// <summary>Random operands in their stored layouts with <paramref name="pad"/> NaN columns per row.</summary>
    private static (float[] A, int Lda, float[] B, int Ldb) MakeOperands(bool transA, bool transB, int m, int n, int k, int pad, int seed)
    {
        var rng = new Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k, lda = aCols + pad;
        int bRows = transB ? n : k, bCols = transB ? k : n, ldb = bCols + pad;
        return (Padded(aRows, aCols, lda, rng), lda, Padded(bRows, bCols, ldb, rng), ldb);
    }

    private static float[] Padded(int rows, int cols, int ld, Random rng)
    {
        var data = new float[Math.Max(0, (rows - 1) * ld + cols)];
        Array.Fill(data, float.NaN);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) data[r * ld + c] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    private static float[] RandomArray(int length, Random rng)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    private static bool BitsEqual(float[] x, float[] y) =>
        MemoryMarshal.Cast<float, int>(x.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(y.AsSpan()));
}
