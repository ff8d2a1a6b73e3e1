using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary>
/// The tiled <see cref="AttentionKernel"/> against the plain row-by-row <see cref="AttentionReferenceKernel"/>, forward and
/// backward, for every mask policy, across odd lengths that hit partial query blocks (block = 32), with GQA, a key
/// mask and shuffled position ids. Tolerance: 2e-5 absolute + 1e-4 relative (both are float32; they sum in different orders).
/// </summary>
public class AttentionKernelTests
{
    private static readonly int[] Lengths = [1, 2, 5, 31, 32, 33, 64, 65, 129, 257];

    /// <summary>A random problem: batch 2, 4 query heads over 2 kv heads of size <paramref name="d"/>, positions 0..T−1
    /// (row 1 shuffled when asked), about a fifth of the keys masked when asked.</summary>
    internal static AttentionProblem Problem(AttentionKind kind, int length, int seed, bool keyMask, bool shuffledPositions, int d = 8)
    {
        const int batch = 2, heads = 4, kvHeads = 2;
        var random = new SeededRandom(seed);
        float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)random.NextGaussian(); return a; }
        var positions = new int[batch * length];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++) positions[b * length + t] = t;
        if (shuffledPositions) random.Shuffle(positions.AsSpan(length, length));
        bool[]? mask = null;
        if (keyMask)
        {
            mask = new bool[batch * length];
            for (int i = 0; i < mask.Length; i++) mask[i] = random.NextDouble() > 0.2;
        }
        var policy = kind switch
        {
            AttentionKind.Causal => AttentionMaskPolicy.Causal,
            AttentionKind.Bico => AttentionMaskPolicy.Bico,
            _ => AttentionMaskPolicy.PrefixBidirectional([length / 2, Math.Min(length, 3)]),
        };
        bool mirrors = kind != AttentionKind.Causal;
        return new AttentionProblem
        {
            Batch = batch, QueryLength = length, KeyLength = length, Heads = heads, KvHeads = kvHeads, HeadDim = d,
            QueryStandard = Fill(batch * length * heads * d), KeyStandard = Fill(batch * length * kvHeads * d),
            QueryMirrored = mirrors ? Fill(batch * length * heads * d) : null, KeyMirrored = mirrors ? Fill(batch * length * kvHeads * d) : null,
            Value = Fill(batch * length * kvHeads * d), QueryPositions = positions, KeyPositions = positions, KeyMask = mask, Policy = policy,
        };
    }

    [Test]
    public void Tiled_kernel_matches_the_reference_forward_and_backward(
        [Values] AttentionKind kind, [Values(false, true)] bool keyMask, [Values(false, true)] bool shuffledPositions)
    {
        foreach (int length in Lengths)
        {
            var p = Problem(kind, length, seed: length * 7 + (int)kind, keyMask, shuffledPositions);
            int qn = p.QueryStandard.Length, kn = p.KeyStandard.Length;
            var outRef = new float[qn]; var lseRef = new float[p.Batch * p.Heads * length];
            var outTiled = new float[qn]; var lseTiled = new float[lseRef.Length];
            AttentionReferenceKernel.Forward(p, outRef, lseRef);
            AttentionKernel.TiledForward(p, outTiled, lseTiled);
            AssertClose(outTiled, outRef, $"{kind} T={length} output");
            AssertClose(lseTiled, lseRef, $"{kind} T={length} log-sum-exp");

            var random = new SeededRandom(length);
            var dOut = new float[qn];
            for (int i = 0; i < qn; i++) dOut[i] = (float)random.NextGaussian();
            bool mirrors = p.Mirrors;
            float[] Grads(int n) => new float[n];
            var (dqR, dqmR, dkR, dkmR, dvR) = (Grads(qn), mirrors ? Grads(qn) : null, Grads(kn), mirrors ? Grads(kn) : null, Grads(kn));
            var (dqT, dqmT, dkT, dkmT, dvT) = (Grads(qn), mirrors ? Grads(qn) : null, Grads(kn), mirrors ? Grads(kn) : null, Grads(kn));
            AttentionReferenceKernel.Backward(p, outRef, lseRef, dOut, dqR, dqmR, dkR, dkmR, dvR);
            AttentionKernel.TiledBackward(p, outRef, lseRef, dOut, dqT, dqmT, dkT, dkmT, dvT);
            AssertClose(dqT, dqR, $"{kind} T={length} dQ");
            AssertClose(dkT, dkR, $"{kind} T={length} dK");
            AssertClose(dvT, dvR, $"{kind} T={length} dV");
            if (mirrors)
            {
                AssertClose(dqmT!, dqmR!, $"{kind} T={length} dQ mirrored");
                AssertClose(dkmT!, dkmR!, $"{kind} T={length} dK mirrored");
            }
        }
    }

    [Test, NonParallelizable]
    public void Tiled_kernel_is_bit_identical_for_one_and_two_threads([Values] AttentionKind kind)
    {
        var p = Problem(kind, 129, seed: 3, keyMask: true, shuffledPositions: false);
        Assert.That(ForwardBackward(p, 2, AttentionKernel.TiledForward, AttentionKernel.TiledBackward),
            Is.EqualTo(ForwardBackward(p, 1, AttentionKernel.TiledForward, AttentionKernel.TiledBackward)));
    }

    internal delegate void ForwardKernel(AttentionProblem p, float[] output, float[] logSumExp);

    internal delegate void BackwardKernel(AttentionProblem p, float[] output, float[] logSumExp, float[] dOutput,
        float[] dQueryStandard, float[]? dQueryMirrored, float[] dKeyStandard, float[]? dKeyMirrored, float[] dValue);

    /// <summary>A kernel's forward, then its backward with the output as dOutput, on <paramref name="threads"/> threads:
    /// output, dQ, dK and dV concatenated.</summary>
    internal static float[] ForwardBackward(AttentionProblem p, int threads, ForwardKernel forward, BackwardKernel backward)
    {
        int saved = Compute.MaxThreads;
        try
        {
            Compute.MaxThreads = threads;
            var output = new float[p.QueryStandard.Length];
            var lse = new float[p.Batch * p.Heads * p.QueryLength];
            forward(p, output, lse);
            var dq = new float[output.Length]; var dk = new float[p.KeyStandard.Length]; var dv = new float[p.KeyStandard.Length];
            backward(p, output, lse, output, dq, p.Mirrors ? new float[dq.Length] : null, dk, p.Mirrors ? new float[dk.Length] : null, dv);
            return [.. output, .. dq, .. dk, .. dv];
        }
        finally { Compute.MaxThreads = saved; }
    }

    internal static void AssertClose(float[] actual, float[] expected, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNegativeInfinity(expected[i])) { Assert.That(actual[i], Is.EqualTo(expected[i]), $"{what}[{i}]"); continue; }
            double tolerance = 2e-5 + 1e-4 * Math.Abs(expected[i]);
            if (Math.Abs(actual[i] - expected[i]) > tolerance)
                Assert.Fail($"{what}[{i}]: kernel {actual[i]} vs reference {expected[i]} (tolerance {tolerance:G3})");
        }
    }
}
