using Reversal.Training.Attention;
using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Benchmarks.Workloads;

/// <summary>
/// The LibTorch side of <see cref="AttentionWorkload"/>: forward + backward of <see cref="PolicyAttention"/> (RoPE
/// inside, as ours) at B4 (or another batch) H8 hd64, q, k, v <c>[B, 8, T, 64]</c> requiring grad, loss = sum of the output. Causal takes
/// the fused <c>scaled_dot_product_attention</c> with <c>is_causal</c>; BICO and prefix take the given formulation.
/// </summary>
public sealed class TorchAttentionWorkload : IDisposable
{
    private readonly Tensor _q, _k, _v;
    private readonly TorchBatch _batch;
    private readonly TorchRotaryEmbedding _rope;
    private readonly BicoAttentionFormulation _formulation;

    /// <summary>Allocates q, k, v, the batch's masks and the rotary tables for <paramref name="batch"/> rows of <paramref name="length"/> tokens.</summary>
    public TorchAttentionWorkload(int length, AttentionKind kind, BicoAttentionFormulation formulation, int batch = AttentionWorkload.Batch)
    {
        const int heads = AttentionWorkload.Heads, headDim = AttentionWorkload.HeadDim;
        _formulation = formulation;
        var generator = new Generator(0);
        _q = randn([batch, heads, length, headDim], generator: generator).requires_grad_();
        _k = randn([batch, heads, length, headDim], generator: generator).requires_grad_();
        _v = randn([batch, heads, length, headDim], generator: generator).requires_grad_();
        var policy = kind switch
        {
            AttentionKind.Causal => AttentionMaskPolicy.Causal,
            AttentionKind.Bico => AttentionMaskPolicy.Bico,
            _ => AttentionMaskPolicy.PrefixBidirectional(Enumerable.Repeat(length * 3 / 4, batch).ToArray()),
        };
        _batch = new ModelInput(batch, length, new int[batch * length], attention: policy).ToTorch(CPU);
        _rope = new TorchRotaryEmbedding(new RotaryEmbedding(headDim, length), CPU);
    }

    /// <summary>Forward, then backward into q, k and v (gradients accumulate across runs, as ours do).</summary>
    public void Run()
    {
        using var scope = NewDisposeScope();
        PolicyAttention.Forward(_q, _k, _v, _batch, _rope, _formulation).sum().backward();
    }

    /// <summary>Frees every tensor.</summary>
    public void Dispose()
    {
        _q.Dispose(); _k.Dispose(); _v.Dispose(); _batch.Dispose(); _rope.Dispose();
    }
}
