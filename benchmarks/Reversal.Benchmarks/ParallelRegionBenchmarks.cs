using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Benchmarks;

/// <summary>
/// The hand-off cost of one short parallel region after the calling thread worked alone for a while, as between the
/// kernels of a train step: two tasks of 50 µs each on 2 threads (ideal: 50 µs plus the gap), through
/// <c>Compute.For</c> (the engine's spinning helper threads) and through <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>
/// (the .NET thread pool, which <c>Compute.For</c> used before). The gap is spent spinning on the calling thread.
/// </summary>
[MemoryDiagnoser]
public class ParallelRegionBenchmarks
{
    private static readonly ParallelOptions TwoThreads = new() { MaxDegreeOfParallelism = 2 };

    /// <summary>Microseconds the calling thread works alone before the region.</summary>
    [Params(0, 100, 500, 2000)]
    public int GapMicroseconds { get; set; }

    /// <summary>Uses 2 threads for the engine's regions.</summary>
    [GlobalSetup]
    public void Setup() => Compute.MaxThreads = 2;

    /// <summary>The gap, then <c>Compute.For(2, 50 µs)</c>.</summary>
    [Benchmark(Baseline = true, Description = "Compute.For (helper threads)")]
    public void Helpers()
    {
        Spin(GapMicroseconds);
        Compute.For(2, _ => Spin(50));
    }

    /// <summary>The gap, then <c>Parallel.For(0, 2, 50 µs)</c>.</summary>
    [Benchmark(Description = "Parallel.For (thread pool)")]
    public void ThreadPool()
    {
        Spin(GapMicroseconds);
        Parallel.For(0, 2, TwoThreads, _ => Spin(50));
    }

    private static void Spin(double microseconds)
    {
        long end = Stopwatch.GetTimestamp() + (long)(microseconds * Stopwatch.Frequency / 1e6);
        while (Stopwatch.GetTimestamp() < end) { }
    }
}
