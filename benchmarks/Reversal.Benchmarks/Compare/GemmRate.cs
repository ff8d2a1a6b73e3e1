using System.Diagnostics;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// An SGEMM rate in GFLOP/s measured in <see cref="Batches"/> batches of <see cref="CallsPerBatch"/> calls after
/// <see cref="Warmup.Gemm"/>: the mean over every call, and the fastest batch's mean.
/// </summary>
/// <remarks>
/// The mean is what the PyTorch script reports (the mean of 10 calls), so the <c>gemm.1024</c> row against it uses the mean.
/// The FMA peak is the best of its runs, so the share of that peak (<c>limit.gemm_share_best_peak</c>) and the LibTorch row, which
/// measures both engines the same way, use the fastest batch: on a shared virtual machine a 130 ms window is often
/// slowed by other guests, and the best sustained batch is the statistic comparable with a best-of peak.
/// </remarks>
/// <param name="MeanGflops">Floating-point operations of every timed call over their total time.</param>
/// <param name="BestBatchGflops">The same for the fastest batch.</param>
public sealed record GemmRate(double MeanGflops, double BestBatchGflops)
{
    /// <summary>Timed batches.</summary>
    public const int Batches = 5;

    /// <summary>Calls per timed batch.</summary>
    public const int CallsPerBatch = 10;

    /// <summary>Warms up, then times <paramref name="call"/> (an m×k by k×n product) in batches.</summary>
    public static GemmRate Measure(int m, int k, int n, Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        Warmup.Run(call, Warmup.Gemm);
        double flopsPerBatch = 2.0 * m * k * n * CallsPerBatch, total = 0, best = double.MaxValue;
        for (int batch = 0; batch < Batches; batch++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < CallsPerBatch; i++) call();
            double seconds = clock.Elapsed.TotalSeconds;
            total += seconds;
            best = Math.Min(best, seconds);
        }
        return new GemmRate(flopsPerBatch * Batches / total / 1e9, flopsPerBatch / best / 1e9);
    }
}
