using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary>Products with op(A) = Aᵀ and a deep k (weight gradients), cut into depth parts (split-K).</summary>
public partial class SgemmTests
{
    /// <summary>The rule is a function of the shape: only Aᵀ products from depth 1,024, k / 512 parts up to 8, fewer for a large output.</summary>
    [Test]
    public void DepthParts_FollowTheShapeRule()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Sgemm.DepthParts(false, 128, 128, 4096), Is.EqualTo(1), "A not transposed");
            Assert.That(Sgemm.DepthParts(true, 128, 128, 1023), Is.EqualTo(1), "below 1,024");
            Assert.That(Sgemm.DepthParts(true, 128, 128, 1024), Is.EqualTo(2));
            Assert.That(Sgemm.DepthParts(true, 128, 352, 2048), Is.EqualTo(4), "the Tiny and Small presets' weight gradients");
            Assert.That(Sgemm.DepthParts(true, 7, 5, 100_000), Is.EqualTo(8), "at most 8");
            Assert.That(Sgemm.DepthParts(true, 4096, 4096, 4096), Is.EqualTo(2), "scratch of one 16 Mi-float plane at most");
            Assert.That(Sgemm.DepthParts(true, 8192, 4096, 4096), Is.EqualTo(1), "no room for any scratch plane");
            Assert.That(Sgemm.DepthOfPart(1030, 2), Is.EqualTo(520), "rounded up to a multiple of 8; the last part takes the rest");
        });
    }

    /// <summary>
    /// A cut product is, bit for bit, one FMA chain per part over its own k range (the first from C or zero, the others
    /// from zero), the parts then added to C in order: on every kernel, for 1 to 8 threads (parts side by side, or one after
    /// another on all threads), edge tiles and a last part shorter than the others.
    /// </summary>
    [Test, NonParallelizable]
    public void DeepTransposedA_IsOneChainPerPart_AddedInOrder_OnEveryPathAndThreadCount()
    {
        if (!(Fma.IsSupported || AdvSimd.IsSupported)) Assert.Ignore("No hardware FMA: the scalar kernel multiplies then adds.");
        (int M, int N, int K)[] shapes = [(19, 131, 1030), (33, 40, 2100), (5, 7, 4100), (70, 65, 1024)];
        foreach (var (m, n, k) in shapes)
            foreach (bool tb in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var (a, lda, b, ldb) = MakeOperands(true, tb, m, n, k, pad: 2, seed: m + n + k);
                    var initial = RandomArray(m * n, new Random(k));
                    int parts = Sgemm.DepthParts(true, m, n, k), depth = Sgemm.DepthOfPart(k, parts);
                    Assert.That(parts, Is.GreaterThan(1), $"{m}x{n}x{k} is cut");
                    var expected = new float[m * n];
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            float total = 0f;
                            for (int q = 0; q * depth < k; q++)
                            {
                                float sum = q == 0 && accumulate ? initial[i * n + j] : 0f;
                                for (int p = q * depth; p < Math.Min(k, (q + 1) * depth); p++)
                                    sum = MathF.FusedMultiplyAdd(a[p * lda + i], tb ? b[j * ldb + p] : b[p * ldb + j], sum);
                                total = q == 0 ? sum : total + sum;
                            }
                            expected[i * n + j] = total;
                        }
                    ForEveryKernelAndThreadCount([1, 2, 3, 8], (kind, threads) =>
                    {
                        var c = (float[])initial.Clone();
                        Sgemm.Multiply(true, tb, m, n, k, a, lda, b, ldb, c, n, accumulate);
                        Assert.That(BitsEqual(expected, c), Is.True, $"{m}x{n}x{k}, transB={tb}, accumulate={accumulate}, kernel={kind}, threads={threads}");
                    });
                }
    }

    /// <summary>A prepacked B cut the same way (whole and a depth window) gives the bits of <see cref="Sgemm.Multiply"/>.</summary>
    [Test, NonParallelizable]
    public void DeepTransposedA_Prepacked_IsBitIdenticalToMultiply()
    {
        const int depth = 2200, columns = 97, m = 45;
        foreach (bool tb in new[] { false, true })
        {
            var (_, _, b, ldb) = MakeOperands(false, tb, 1, columns, depth, pad: 3, seed: 21);
            ForEveryKernelAndThreadCount([1, 2], (kind, threads) =>
            {
                using var packed = Sgemm.PackB(tb, depth, columns, b, ldb);
                AssertPackedEqualsUnpacked(true, tb, m, columns, depth, b, ldb, packed, accumulate: true, seed: 3);
                AssertPackedEqualsUnpacked(true, tb, m, columns - 20, 1500, b, ldb, packed, accumulate: false, seed: 4);

                // A window starting 300 rows down: Multiply on the same rows of the unpacked B.
                var rng = new Random(5);
                int k = 1800, lda = m + 1;
                var a = Padded(k, m, lda, rng);
                var expected = new float[m * columns];
                var actual = new float[m * columns];
                int offset = tb ? 300 : 300 * ldb;
                Sgemm.Multiply(true, tb, m, columns, k, a, lda, b.AsSpan(offset), ldb, expected, columns);
                Sgemm.MultiplyPacked(true, m, columns, k, a, lda, packed, depthOffset: 300, columnOffset: 0, actual, columns);
                Assert.That(BitsEqual(expected, actual), Is.True, $"depth window, transB={tb}, kernel={kind}, threads={threads}");
            });
        }
    }

    /// <summary>
    /// The documented steady state: a single-threaded call that is not cut allocates nothing on the managed heap, on
    /// either entry point (attention makes thousands of such calls a step; a closure for the cut path once made each of
    /// them allocate), and a cut one only its small part delegate (its scratch comes from the pool).
    /// </summary>
    [Test, NonParallelizable]
    public void SingleThreadedCalls_AllocateNothing_AndCutOnesOnlyTheirDelegate()
    {
        int saved = Compute.MaxThreads;
        try
        {
            Compute.MaxThreads = 1;
            var (a, lda, b, ldb) = MakeOperands(false, true, 40, 70, 64, pad: 1, seed: 1);
            var (at, ldat, _, _) = MakeOperands(true, false, 40, 70, 64, pad: 1, seed: 2);
            var c = new float[40 * 70];
            using var packed = Sgemm.PackB(true, 64, 70, b, ldb);
            var (deep, ldDeep, deepB, ldDeepB) = MakeOperands(true, false, 16, 16, 2048, pad: 0, seed: 3);
            var small = new float[16 * 16];
            void Calls()
            {
                Sgemm.Multiply(false, true, 40, 70, 64, a, lda, b, ldb, c, 70);
                Sgemm.Multiply(true, true, 40, 70, 64, at, ldat, b, ldb, c, 70, accumulate: true);
                Sgemm.MultiplyPacked(false, 40, 70, 64, a, lda, packed, c, 70);
                Sgemm.MultiplyPacked(true, 40, 70, 64, at, ldat, packed, c, 70, accumulate: true);
            }
            for (int i = 0; i < 3; i++) { Calls(); Sgemm.Multiply(true, false, 16, 16, 2048, deep, ldDeep, deepB, ldDeepB, small, 16); }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Calls();
            long whole = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Sgemm.Multiply(true, false, 16, 16, 2048, deep, ldDeep, deepB, ldDeepB, small, 16);
            long cut = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Multiple(() =>
            {
                Assert.That(whole, Is.Zero, "bytes allocated by 80 single-threaded calls");
                Assert.That(cut / 20, Is.LessThan(1024), "bytes allocated per cut call (16 × 16 × 2,048, 4 parts)");
            });
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }

    /// <summary>Runs <paramref name="body"/> on every kernel this machine has and each thread count, restoring both.</summary>
    private static void ForEveryKernelAndThreadCount(int[] threadCounts, Action<Sgemm.KernelKind, int> body)
    {
        int saved = Compute.MaxThreads;
        var savedKernel = Sgemm.Kernel;
        try
        {
            foreach (Sgemm.KernelKind kind in Enum.GetValues<Sgemm.KernelKind>())
            {
                if (kind > Sgemm.BestKernel) continue;
                Sgemm.Kernel = kind;
                foreach (int threads in threadCounts)
                {
                    Compute.MaxThreads = threads;
                    body(kind, threads);
                }
            }
        }
        finally
        {
            Compute.MaxThreads = saved;
            Sgemm.Kernel = savedKernel;
        }
    }
}
