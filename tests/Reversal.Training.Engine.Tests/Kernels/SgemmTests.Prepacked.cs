using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary><see cref="Sgemm.MultiplyPacked(bool, int, int, int, ReadOnlySpan{float}, int, PackedB, Span{float}, int, bool)"/>: a prepacked B used to any leading depth and columns, bit for bit <see cref="Sgemm.Multiply"/>.</summary>
public partial class SgemmTests
{
    /// <summary>Every kernel, layout, accumulate flag and leading part (odd depths and widths, within and across panels).</summary>
    [TestCaseSource(nameof(KernelCases), new object[] { "Prepacked_KernelPath_" }), NonParallelizable]
    public void Prepacked_LeadingParts_AreBitIdenticalToMultiply(int kindValue) => OnKernel((Sgemm.KernelKind)kindValue, () =>
    {
        const int depth = 131, columns = 97;
        (int K, int N)[] parts = [(depth, columns), (depth - 1, columns - 5), (64, 32), (17, 16), (1, 1), (depth, 17), (3, columns)];
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var (_, _, b, ldb) = MakeOperands(ta, tb, 1, columns, depth, pad: 3, seed: 7);
                using var packed = Sgemm.PackB(tb, depth, columns, b, ldb);
                foreach (int m in new[] { 1, 5, 6, 33, 130 })
                    foreach (var (k, n) in parts)
                        foreach (bool acc in new[] { false, true })
                            AssertPackedEqualsUnpacked(ta, tb, m, n, k, b, ldb, packed, acc, seed: m * 7 + n * 3 + k);
            }
    });

    /// <summary>A product above the parallel threshold: the same bits for 1, 2 and 3 threads, and as <see cref="Sgemm.Multiply"/>.</summary>
    [Test, NonParallelizable]
    public void Prepacked_ParallelProduct_IsBitIdenticalToMultiply_ForAnyThreadCount()
    {
        const int m = 301, n = 263, k = 517;
        var (_, _, b, ldb) = MakeOperands(false, true, m, n, k, pad: 2, seed: 11);
        using var packed = Sgemm.PackB(true, k, n, b, ldb);
        int saved = Compute.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Compute.MaxThreads = threads;
                AssertPackedEqualsUnpacked(false, true, m, n, k, b, ldb, packed, accumulate: true, seed: threads);
            }
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }

    /// <summary>
    /// Windows of the packed matrix (a depth offset anywhere, a column offset at a panel): bit for bit
    /// <see cref="Sgemm.Multiply"/> on the same window of the unpacked B, on every kernel.
    /// </summary>
    [TestCaseSource(nameof(KernelCases), new object[] { "Prepacked_Window_" }), NonParallelizable]
    public void Prepacked_Windows_AreBitIdenticalToMultiplyOnTheWindow(int kindValue) => OnKernel((Sgemm.KernelKind)kindValue, () =>
    {
        const int depth = 131, columns = 97;
        foreach (bool tb in new[] { false, true })
        {
            var (_, _, b, ldb) = MakeOperands(false, tb, 1, columns, depth, pad: 3, seed: 5);
            using var packed = Sgemm.PackB(tb, depth, columns, b, ldb);
            int panel = packed.PanelWidth;
            foreach (int p0 in new[] { 0, 1, 17, 130 })
                foreach (int j0 in new[] { 0, panel, 2 * panel })
                    foreach (int m in new[] { 1, 7, 33 })
                    {
                        if (j0 >= columns) continue;
                        int k = Math.Min(depth - p0, 1 + (m * 13 + p0) % depth), n = columns - j0;
                        var rng = new Random(p0 * 31 + j0 + m);
                        int lda = k + 2, ldc = n + 1;
                        var a = Padded(m, k, lda, rng);
                        var expected = RandomArray(m * ldc, rng);
                        var actual = (float[])expected.Clone();
                        // The same window of the unpacked B: rows p0.. of op(B) and columns j0.. .
                        int windowStart = tb ? j0 * ldb + p0 : p0 * ldb + j0;
                        Sgemm.Multiply(false, tb, m, n, k, a, lda, b.AsSpan(windowStart), ldb, expected, ldc, accumulate: true);
                        Sgemm.MultiplyPacked(false, m, n, k, a, lda, packed, p0, j0, actual, ldc, accumulate: true);
                        Assert.That(BitsEqual(expected, actual), Is.True, $"{(tb ? "Bt" : "B")} m={m} k={k} p0={p0} j0={j0}");
                    }
        }
    });

    [Test]
    public void Prepacked_WindowOffPanelOrBeyondTheMatrix_Throws()
    {
        using var packed = Sgemm.PackB(false, 8, 70, new float[8 * 70], 70);
        var a = new float[4 * 8];
        var c = new float[4 * 70];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MultiplyPacked(false, 4, 10, 8, a, 8, packed, 0, 1, c, 70));
        Assert.That(ex!.Message, Does.Contain("multiple of the panel width"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MultiplyPacked(false, 4, 70 - packed.PanelWidth + 1, 8, a, 8, packed, 0, packed.PanelWidth, c, 70));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MultiplyPacked(false, 4, 10, 5, a, 8, packed, 4, 0, c, 70));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MultiplyPacked(false, 4, 10, 5, a, 8, packed, -1, 0, c, 70));
    }

    [Test]
    public void Prepacked_BeyondThePackedMatrix_Throws()
    {
        using var packed = Sgemm.PackB(false, 8, 10, new float[80], 10);
        var a = new float[4 * 9];
        var c = new float[4 * 11];
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MultiplyPacked(false, 4, 11, 8, a, 9, packed, c, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MultiplyPacked(false, 4, 10, 9, a, 9, packed, c, 11));
        var ex = Assert.Throws<ArgumentException>(() => Sgemm.MultiplyPacked(false, 4, 10, 8, new float[20], 8, packed, c, 11));
        Assert.That(ex!.Message, Does.Contain("needs 32"));
    }

    [Test]
    public void Prepacked_Disposed_Throws()
    {
        var packed = Sgemm.PackB(false, 2, 2, new float[4], 2);
        packed.Dispose();
        packed.Dispose();    // idempotent
        Assert.Throws<ObjectDisposedException>(() => Sgemm.MultiplyPacked(false, 1, 2, 2, new float[2], 2, packed, new float[2], 2));
    }

    [Test, NonParallelizable]
    public void Prepacked_ForAnotherKernel_Throws()
    {
        if (Sgemm.BestKernel == Sgemm.KernelKind.Scalar) Assert.Ignore("Only the scalar kernel exists on this machine.");
        var packedFor = Sgemm.Kernel;
        using var packed = Sgemm.PackB(false, 2, 2, new float[4], 2);
        OnKernel(Sgemm.KernelKind.Scalar, () =>
        {
            var ex = Assert.Throws<ArgumentException>(() => Sgemm.MultiplyPacked(false, 1, 2, 2, new float[2], 2, packed, new float[2], 2));
            Assert.That(ex!.Message, Does.Contain("packed for the " + packedFor));
        });
    }

    private static void AssertPackedEqualsUnpacked(bool ta, bool tb, int m, int n, int k, float[] b, int ldb, PackedB packed, bool accumulate, int seed)
    {
        var rng = new Random(seed);
        int aRows = ta ? k : m, aCols = ta ? m : k, lda = aCols + 2;
        var a = Padded(aRows, aCols, lda, rng);
        int ldc = n + 1;
        var initial = RandomArray(m * ldc, rng);
        var expected = (float[])initial.Clone();
        var actual = (float[])initial.Clone();
        Sgemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
        Sgemm.MultiplyPacked(ta, m, n, k, a, lda, packed, actual, ldc, accumulate);
        Assert.That(BitsEqual(expected, actual), Is.True, $"{(ta ? "At" : "A")}{(tb ? "Bt" : "B")} m={m} n={n} k={k} accumulate={accumulate}");
    }
}
