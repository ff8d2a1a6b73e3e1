using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Benchmarks.Workloads;

/// <summary>
/// Forward + backward of one attention call with RoPE inside, at B4 H8 hd64 like the peer's <c>bench_attention</c>
/// (or another batch, e.g. B1 for long context): q, k, v <c>[B, T, 8·64]</c> requiring grad, loss = sum of the output.
/// </summary>
public sealed class AttentionWorkload
{
    /// <summary>Batch (the default), heads and head size of the peer's benchmark.</summary>
    public const int Batch = 4, Heads = 8, HeadDim = 64;

    private readonly Tensor _q, _k, _v;
    private readonly AttentionContext _context;

    /// <summary>
    /// Allocates q, k, v and the context for <paramref name="batch"/> rows of <paramref name="length"/> tokens, with
    /// <paramref name="heads"/> heads of <paramref name="headDim"/> (the peer's 8 × 64 unless given; the Tiny train
    /// step's attention is 4 × 32 at T 64, batch 32).
    /// </summary>
    public AttentionWorkload(int length, AttentionKind kind, int batch = Batch, int heads = Heads, int headDim = HeadDim)
    {
        var random = new SeededRandom(0);
        _q = Tensor.Normal(random, 0, 1, batch, length, heads * headDim).RequireGrad();
        _k = Tensor.Normal(random, 0, 1, batch, length, heads * headDim).RequireGrad();
        _v = Tensor.Normal(random, 0, 1, batch, length, heads * headDim).RequireGrad();
        var positions = new int[batch * length];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % length;
        var policy = kind switch
        {
            AttentionKind.Causal => AttentionMaskPolicy.Causal,
            AttentionKind.Bico => AttentionMaskPolicy.Bico,
            _ => AttentionMaskPolicy.PrefixBidirectional(Enumerable.Repeat(length * 3 / 4, batch).ToArray()),
        };
        _context = new AttentionContext(heads, heads, new RotaryEmbedding(headDim, length), policy, positions, keyMask: null);
    }

    /// <summary>
    /// Forward, then backward into q, k and v, inside a pooled memory scope as a training step runs. Gradients accumulate
    /// across runs, as the peer's repeated <c>out.sum().backward()</c> does.
    /// </summary>
    public void Run()
    {
        using var memory = TensorMemory.BeginScope();
        Functional.Sum(Functional.ScaledDotProductAttention(_q, _k, _v, _context)).Backward();
    }
}
