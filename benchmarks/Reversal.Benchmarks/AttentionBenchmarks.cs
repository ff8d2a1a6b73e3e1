using BenchmarkDotNet.Attributes;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.TorchSharp.Attention;

namespace Reversal.Benchmarks;

/// <summary>
/// Attention forward + backward at B4 H8 hd64, RoPE inside: causal vs BICO vs prefix-bidirectional, on our engine and
/// on LibTorch 2.10 (TorchSharp, CPU; causal through the fused SDPA, the mirrored policies in both exact formulations).
/// Both engines use 2 threads.
/// </summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private Action _run = null!;
    private IDisposable? _owned;

    /// <summary>Who computes the attention.</summary>
    public enum Implementation
    {
        /// <summary>Our tiled kernel.</summary>
        Native,

        /// <summary>LibTorch, two score matrices for the mirrored policies.</summary>
        LibTorchTwoScoreMatrices,

        /// <summary>LibTorch, one SDPA over keys rotated both ways for the mirrored policies.</summary>
        LibTorchConcatenatedKeys,
    }

    /// <summary>Sequence length.</summary>
    [Params(256, 1024)]
    public int T { get; set; }

    /// <summary>Mask policy.</summary>
    [Params(AttentionKind.Causal, AttentionKind.Bico, AttentionKind.PrefixBidirectional)]
    public AttentionKind Policy { get; set; }

    /// <summary>Engine and formulation.</summary>
    [Params(Implementation.Native, Implementation.LibTorchTwoScoreMatrices, Implementation.LibTorchConcatenatedKeys)]
    public Implementation Engine { get; set; }

    /// <summary>Allocates inputs on the chosen engine.</summary>
    [GlobalSetup]
    public void Setup() => (_run, _owned) = Create(Engine, T, Policy, AttentionWorkload.Batch);

    /// <summary>
    /// Sets both engines to 2 threads and allocates one attention workload on <paramref name="engine"/>; returns its
    /// forward + backward and what to dispose afterwards (the LibTorch tensors; null for ours).
    /// </summary>
    internal static (Action Run, IDisposable? Owned) Create(Implementation engine, int length, AttentionKind policy, int batch)
    {
        Compute.MaxThreads = 2;
        LibTorchBenchmark.UseThreads(2);
        if (engine == Implementation.Native) return (new AttentionWorkload(length, policy, batch).Run, null);
        var formulation = engine == Implementation.LibTorchTwoScoreMatrices ? BicoAttentionFormulation.TwoScoreMatrices : BicoAttentionFormulation.ConcatenatedKeys;
        var torchWorkload = new TorchAttentionWorkload(length, policy, formulation, batch);
        return (torchWorkload.Run, torchWorkload);
    }

    /// <summary>Frees LibTorch tensors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _owned?.Dispose();

    /// <summary>Forward + backward (gradients of q, k, v).</summary>
    [Benchmark]
    public void ForwardBackward() => _run();
}
