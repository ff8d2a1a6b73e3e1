using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Reversal.Benchmarks.Limits;

namespace Reversal.Benchmarks;

/// <summary>
/// The machine's fp32 FMA peak (<see cref="FmaPeak"/>: 12 independent FMA chains per thread on the widest vectors our
/// SGEMM uses) with 1 and 2 threads; a GFLOP/s column gives the peak the compare command's limit group divides by.
/// </summary>
[Config(typeof(PeakConfig))]
public class FmaPeakBenchmarks
{
    /// <summary>Loop iterations per thread and call.</summary>
    public const int Iterations = 20_000_000;

    /// <summary>Threads running the loop together.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>One run: every thread's loop, started together.</summary>
    [Benchmark(Description = "FMA chains")]
    public double Run() => FmaPeak.Run(Threads, Iterations);

    /// <summary>Adds the GFLOP/s column: threads · iterations · flops per iteration over the mean time.</summary>
    private sealed class PeakConfig : ManualConfig
    {
        public PeakConfig() => AddColumn(new GflopsColumn(Flops, $"threads · {Iterations:N0} iterations · {FmaPeak.FlopsPerIteration} ({FmaPeak.PathName}) / mean"));

        private static double? Flops(BenchmarkCase benchmarkCase) =>
            benchmarkCase.Parameters["Threads"] is int threads ? threads * (double)Iterations * FmaPeak.FlopsPerIteration : null;
    }
}
