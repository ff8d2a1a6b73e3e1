using System.Diagnostics;
using Reversal.Benchmarks.Compare;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.TorchSharp.Attention;
using TorchSharp;

namespace Reversal.Benchmarks.Peers;

/// <summary>
/// The LibTorch 2.10 peer, in this process through TorchSharp (CPU): the same train-step workload on
/// <c>TorchLlama</c>, attention through <see cref="PolicyAttention"/> (fused SDPA for causal), and <c>torch.mm</c>,
/// measured exactly as our side is (warm-up, then the mean of timed runs).
/// </summary>
public static class LibTorchBenchmark
{
    /// <summary>LibTorch's intra-op thread count for every measurement.</summary>
    public static void UseThreads(int threads) => torch.set_num_threads(threads);

    /// <summary>Attention forward + backward: mean milliseconds over <paramref name="runs"/> after <see cref="Warmup.Step"/>, and the growth of the peak resident set in MB.</summary>
    public static (double Milliseconds, double PeakMegabytes) Attention(int length, AttentionKind kind, BicoAttentionFormulation formulation, int runs,
        int batch = AttentionWorkload.Batch)
    {
        using var workload = new TorchAttentionWorkload(length, kind, formulation, batch);
        double before = OurBenchmark.PeakResidentMegabytes();
        Warmup.Run(workload.Run, Warmup.Step);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++) workload.Run();
        return (clock.Elapsed.TotalMilliseconds / runs, OurBenchmark.PeakResidentMegabytes() - before);
    }

    /// <summary><c>torch.mm</c> rate for an m×k by k×n float32 product (see <see cref="GemmRate"/>).</summary>
    public static GemmRate Gemm(int m, int k, int n)
    {
        using var product = new GemmCall(m, k, n);
        return GemmRate.Measure(m, k, n, product.Call);
    }

    /// <summary>One <c>torch.mm</c> call on fixed random m×k and k×n operands (generator seed 0), for timing; dispose to free them.</summary>
    public sealed class GemmCall : IDisposable
    {
        private readonly torch.Tensor _a, _b;

        /// <summary>Creates the operands.</summary>
        public GemmCall(int m, int k, int n)
        {
            var generator = new torch.Generator(0);
            _a = torch.randn([m, k], generator: generator);
            _b = torch.randn([k, n], generator: generator);
            Call = () => torch.mm(_a, _b).Dispose();
        }

        /// <summary>One product (its result is disposed at once).</summary>
        public Action Call { get; }

        /// <inheritdoc />
        public void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
        }
    }
}
