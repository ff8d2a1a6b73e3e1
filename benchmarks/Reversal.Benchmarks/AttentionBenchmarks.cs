using BenchmarkDotNet.Attributes;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;

namespace Reversal.Benchmarks;

/// <summary>Attention forward + backward at B4 H8 hd64: causal vs BICO vs prefix-bidirectional.</summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private AttentionWorkload _workload = null!;

    /// <summary>Sequence length.</summary>
    [Params(256, 1024)]
    public int T { get; set; }

    /// <summary>Mask policy.</summary>
    [Params(AttentionKind.Causal, AttentionKind.Bico, AttentionKind.PrefixBidirectional)]
    public AttentionKind Policy { get; set; }

    /// <summary>Allocates inputs.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new AttentionWorkload(T, Policy);

    /// <summary>Forward + backward (gradients of q, k, v).</summary>
    [Benchmark]
    public void ForwardBackward() => _workload.Run();
}
