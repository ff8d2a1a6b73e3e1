using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary>
/// <see cref="SmallHeadAttention"/>: its forward bit for bit against the tiled kernel's, its backward against the plain
/// <see cref="AttentionReferenceKernel"/> (2e-5 absolute + 1e-4 relative), on every vector kernel this machine has, for
/// every mask policy, head sizes 32, 64 and 128, lengths that leave partial eight- and four-row blocks and partial register tiles (1 to
/// 256), with GQA and a key mask; and where it must decline the problem.
/// </summary>
[NonParallelizable]
public class SmallHeadAttentionTests
{
    private static readonly int[] Lengths = [1, 2, 3, 4, 5, 7, 17, 31, 33, 64, 65, 127, 128, 129, 200, 255, 256];

    private static IEnumerable<Sgemm.KernelKind> VectorKernels() =>
        new[] { Sgemm.KernelKind.Vector256, Sgemm.KernelKind.Vector512 }.Where(k => k <= Sgemm.BestKernel);

    private static void OnKernel(Sgemm.KernelKind kind, Action body)
    {
        var saved = Sgemm.Kernel;
        try { Sgemm.Kernel = kind; body(); }
        finally { Sgemm.Kernel = saved; }
    }

    [Test]
    public void Forward_is_bit_identical_to_the_tiled_kernel(
        [Values] AttentionKind kind, [Values(false, true)] bool keyMask, [Values(32, 64, 128)] int d)
    {
        Assume.That(VectorKernels().Any(), "this machine has neither AVX2+FMA nor AVX-512");
        foreach (var kernel in VectorKernels())
            OnKernel(kernel, () =>
            {
                foreach (int length in Lengths)
                {
                    var p = AttentionKernelTests.Problem(kind, length, seed: length * 11 + d, keyMask, shuffledPositions: false, d);
                    Assert.That(SmallHeadAttention.Supports(p), $"{kernel} {kind} T={length} d={d}");
                    var (output, lse) = (new float[p.QueryStandard.Length], new float[p.Batch * p.Heads * length]);
                    var (outputTiled, lseTiled) = (new float[output.Length], new float[lse.Length]);
                    SmallHeadAttention.Forward(p, output, lse);
                    AttentionKernel.TiledForward(p, outputTiled, lseTiled);
                    Assert.That(output, Is.EqualTo(outputTiled), $"{kernel} {kind} T={length} d={d} output");
                    Assert.That(lse, Is.EqualTo(lseTiled), $"{kernel} {kind} T={length} d={d} log-sum-exp");
                }
            });
    }

    [Test]
    public void Backward_matches_the_reference(
        [Values] AttentionKind kind, [Values(false, true)] bool keyMask, [Values(32, 64, 128)] int d)
    {
        Assume.That(VectorKernels().Any(), "this machine has neither AVX2+FMA nor AVX-512");
        foreach (var kernel in VectorKernels())
            OnKernel(kernel, () =>
            {
                foreach (int length in Lengths)
                {
                    var p = AttentionKernelTests.Problem(kind, length, seed: length * 13 + d, keyMask, shuffledPositions: false, d);
                    int qn = p.QueryStandard.Length, kn = p.KeyStandard.Length;
                    var (output, lse) = (new float[qn], new float[p.Batch * p.Heads * length]);
                    AttentionReferenceKernel.Forward(p, output, lse);
                    var random = new SeededRandom(length);
                    var dOut = new float[qn];
                    for (int i = 0; i < qn; i++) dOut[i] = (float)random.NextGaussian();
                    bool mirrors = p.Mirrors;
                    var (dqR, dqmR, dkR, dkmR, dvR) = (new float[qn], mirrors ? new float[qn] : null, new float[kn], mirrors ? new float[kn] : null, new float[kn]);
                    var (dq, dqm, dk, dkm, dv) = (new float[qn], mirrors ? new float[qn] : null, new float[kn], mirrors ? new float[kn] : null, new float[kn]);
                    AttentionReferenceKernel.Backward(p, output, lse, dOut, dqR, dqmR, dkR, dkmR, dvR);
                    SmallHeadAttention.Backward(p, output, lse, dOut, dq, dqm, dk, dkm, dv);
                    string what = $"{kernel} {kind} T={length} d={d}";
                    AttentionKernelTests.AssertClose(dq, dqR, $"{what} dQ");
                    AttentionKernelTests.AssertClose(dk, dkR, $"{what} dK");
                    AttentionKernelTests.AssertClose(dv, dvR, $"{what} dV");
                    if (mirrors)
                    {
                        AttentionKernelTests.AssertClose(dqm!, dqmR!, $"{what} dQ mirrored");
                        AttentionKernelTests.AssertClose(dkm!, dkmR!, $"{what} dK mirrored");
                    }
                }
            });
    }

    [Test]
    public void Backward_accumulates_into_the_gradients_it_is_given([Values] AttentionKind kind)
    {
        Assume.That(VectorKernels().Any(), "this machine has neither AVX2+FMA nor AVX-512");
        var p = AttentionKernelTests.Problem(kind, 37, seed: 5, keyMask: true, shuffledPositions: false, d: 32);
        var (output, lse) = (new float[p.QueryStandard.Length], new float[p.Batch * p.Heads * 37]);
        SmallHeadAttention.Forward(p, output, lse);
        float[] Gradients(float start)
        {
            int qn = p.QueryStandard.Length, kn = p.KeyStandard.Length;
            float[] Filled(int n) { var a = new float[n]; Array.Fill(a, start); return a; }
            var (dq, dqm, dk, dkm, dv) = (Filled(qn), p.Mirrors ? Filled(qn) : null, Filled(kn), p.Mirrors ? Filled(kn) : null, Filled(kn));
            SmallHeadAttention.Backward(p, output, lse, output, dq, dqm, dk, dkm, dv);
            return [.. dq, .. dqm ?? [], .. dk, .. dkm ?? [], .. dv];
        }
        var fromZero = Gradients(0f);
        var fromOne = Gradients(1f);
        for (int i = 0; i < fromZero.Length; i++)
            Assert.That(fromOne[i], Is.EqualTo(fromZero[i] + 1f).Within(1e-5f + 1e-5f * Math.Abs(fromZero[i])), $"element {i}");
    }

    [Test]
    public void Results_are_bit_identical_for_one_and_two_threads([Values] AttentionKind kind)
    {
        Assume.That(VectorKernels().Any(), "this machine has neither AVX2+FMA nor AVX-512");
        var p = AttentionKernelTests.Problem(kind, 129, seed: 3, keyMask: true, shuffledPositions: false, d: 32);
        Assert.That(AttentionKernelTests.ForwardBackward(p, 2, SmallHeadAttention.Forward, SmallHeadAttention.Backward),
            Is.EqualTo(AttentionKernelTests.ForwardBackward(p, 1, SmallHeadAttention.Forward, SmallHeadAttention.Backward)));
    }

    [Test]
    public void Declines_what_it_does_not_compute()
    {
        Assume.That(VectorKernels().Any(), "this machine has neither AVX2+FMA nor AVX-512");
        Assert.Multiple(() =>
        {
            Assert.That(SmallHeadAttention.Supports(AttentionKernelTests.Problem(AttentionKind.Causal, 64, 1, false, false, d: 8)), Is.False,
                "a head smaller than two registers");
            Assert.That(SmallHeadAttention.Supports(AttentionKernelTests.Problem(AttentionKind.Causal, 64, 1, false, false, d: 40)), Is.False,
                "a head that is not a whole number of register pairs");
            Assert.That(SmallHeadAttention.Supports(AttentionKernelTests.Problem(AttentionKind.Causal, SmallHeadAttention.MaxKeys + 1, 1, false, false, d: 32)),
                Is.False, "more keys than MaxKeys");
            Assert.That(SmallHeadAttention.Supports(AttentionKernelTests.Problem(AttentionKind.Bico, 64, 1, false, shuffledPositions: true, d: 32)), Is.False,
                "mirrored RoPE over positions that do not ascend");
            Assert.That(SmallHeadAttention.Supports(AttentionKernelTests.Problem(AttentionKind.Causal, 64, 1, false, shuffledPositions: true, d: 32)), Is.True,
                "a causal mask never mirrors, so position order does not matter");
        });
        var whole = AttentionKernelTests.Problem(AttentionKind.Causal, 64, 1, false, false, d: 32);
        var decoding = new AttentionProblem
        {
            Batch = whole.Batch, QueryLength = 1, KeyLength = whole.KeyLength, Heads = whole.Heads, KvHeads = whole.KvHeads, HeadDim = whole.HeadDim,
            QueryOffsets = [10, 20], QueryStandard = whole.QueryStandard[..(whole.Batch * whole.Heads * whole.HeadDim)],
            KeyStandard = whole.KeyStandard, Value = whole.Value, QueryPositions = [10, 20], KeyPositions = whole.KeyPositions, Policy = whole.Policy,
        };
        Assert.That(SmallHeadAttention.Supports(decoding), Is.False, "a decoding step over a cache");
        OnKernel(Sgemm.KernelKind.Scalar, () =>
            Assert.That(SmallHeadAttention.Supports(AttentionKernelTests.Problem(AttentionKind.Causal, 64, 1, false, false, d: 32)), Is.False,
                "the scalar SGEMM kernel"));
    }
}
