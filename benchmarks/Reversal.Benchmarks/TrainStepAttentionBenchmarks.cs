using BenchmarkDotNet.Attributes;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Benchmarks;

/// <summary>
/// Our attention forward + backward (RoPE inside) at the shape of one layer of the Tiny train step: B32, H4, hd32,
/// T64, causal vs BICO, 2 threads. At this size the products are small (32 × 64 × 32), so the rotations, the softmax
/// rows and the packing around them weigh as much as the products; this isolates them from the step.
/// </summary>
[MemoryDiagnoser]
public class TrainStepAttentionBenchmarks
{
    private AttentionWorkload _workload = null!;

    /// <summary>Mask policy.</summary>
    [Params(AttentionKind.Causal, AttentionKind.Bico)]
    public AttentionKind Policy { get; set; }

    /// <summary>Allocates the Tiny step's attention inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Compute.MaxThreads = 2;
        _workload = new AttentionWorkload(length: 64, Policy, batch: 32, heads: 4, headDim: 32);
    }

    /// <summary>Forward + backward (gradients of q, k, v).</summary>
    [Benchmark]
    public void ForwardBackward() => _workload.Run();
}
