using BenchmarkDotNet.Attributes;
using Reversal.Training.Attention;

namespace Reversal.Benchmarks;

/// <summary>
/// Long-context attention forward + backward at T = 4096, B1 H8 hd64, RoPE inside, causal and BICO, on our engine and
/// on LibTorch 2.10 (causal through the fused SDPA, BICO in both exact formulations), 2 threads each: the compare
/// command's long group. Seconds per call: use <c>--job short</c> or fewer iterations.
/// </summary>
[MemoryDiagnoser]
public class LongAttentionBenchmarks
{
    private Action _run = null!;
    private IDisposable? _owned;

    /// <summary>Sequence length.</summary>
    [Params(4096)]
    public int T { get; set; } = 4096;

    /// <summary>Mask policy.</summary>
    [Params(AttentionKind.Causal, AttentionKind.Bico)]
    public AttentionKind Policy { get; set; }

    /// <summary>Engine and formulation.</summary>
    [Params(AttentionBenchmarks.Implementation.Native, AttentionBenchmarks.Implementation.LibTorchTwoScoreMatrices,
        AttentionBenchmarks.Implementation.LibTorchConcatenatedKeys)]
    public AttentionBenchmarks.Implementation Engine { get; set; }

    /// <summary>Allocates one row of q, k, v on the chosen engine.</summary>
    [GlobalSetup]
    public void Setup() => (_run, _owned) = AttentionBenchmarks.Create(Engine, T, Policy, batch: 1);

    /// <summary>Frees LibTorch tensors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _owned?.Dispose();

    /// <summary>Forward + backward (gradients of q, k, v).</summary>
    [Benchmark]
    public void ForwardBackward() => _run();
}
