using BenchmarkDotNet.Attributes;
using Reversal.Core.Attention;
using Reversal.Core.Operations;
using Reversal.Core.Runtime;
using Reversal.Core.Tensors;

namespace Reversal.Benchmarks;

/// <summary>
/// Forward + backward of one attention call (RoPE inside) at B4 H8 hd64, the shape of the PyTorch peer's
/// <c>bench_attention</c>: causal vs BICO vs prefix-bidirectional.
/// </summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private const int Batch = 4, Heads = 8, HeadDim = 64;
    private Tensor _q = null!, _k = null!, _v = null!;
    private AttentionContext _context = null!;

    /// <summary>Sequence length.</summary>
    [Params(256, 1024)]
    public int T { get; set; }

    /// <summary>Mask policy.</summary>
    [Params(AttentionKind.Causal, AttentionKind.Bico, AttentionKind.PrefixBidirectional)]
    public AttentionKind Policy { get; set; }

    /// <summary>Allocates inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(0);
        _q = Tensor.Normal(random, 0, 1, Batch, T, Heads * HeadDim).RequireGrad();
        _k = Tensor.Normal(random, 0, 1, Batch, T, Heads * HeadDim).RequireGrad();
        _v = Tensor.Normal(random, 0, 1, Batch, T, Heads * HeadDim).RequireGrad();
        var positions = new int[Batch * T];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % T;
        var policy = Policy switch
        {
            AttentionKind.Causal => AttentionMaskPolicy.Causal,
            AttentionKind.Bico => AttentionMaskPolicy.Bico,
            _ => AttentionMaskPolicy.PrefixBidirectional(Enumerable.Repeat(T * 3 / 4, Batch).ToArray()),
        };
        _context = new AttentionContext(Heads, Heads, new RotaryEmbedding(HeadDim, T), policy, positions, keyMask: null);
    }

    /// <summary>Forward + backward (gradients of q, k, v).</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        _q.Grad = null; _k.Grad = null; _v.Grad = null;
        Functional.Sum(Functional.ScaledDotProductAttention(_q, _k, _v, _context)).Backward();
    }
}
