using System.Diagnostics;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// The warm-up before every timed measurement of <c>compare</c>, the same for each engine: at least a number of runs
/// and at least a stretch of time. A fixed count of one or two runs is not enough for .NET: tiered compilation first
/// runs a method unoptimised (then instrumented), and compiles it fully only after about 30 calls plus a background
/// delay, so a 2-step warm-up timed our train step partly unoptimised (a later measurement of the same step in the
/// same run was 20% faster). LibTorch gets the same warm-up (its kernel caches warm up too).
/// </summary>
public static class Warmup
{
    /// <summary>Warm-up of train steps and attention calls: at least 2 runs and 3 seconds.</summary>
    public static readonly (int Runs, TimeSpan Time) Step = (2, TimeSpan.FromSeconds(3));

    /// <summary>Warm-up of SGEMM calls: at least 20 calls and 1 second.</summary>
    public static readonly (int Runs, TimeSpan Time) Gemm = (20, TimeSpan.FromSeconds(1));

    /// <summary>Runs <paramref name="action"/> until it has run at least <paramref name="policy"/>'s runs and time.</summary>
    public static void Run(Action action, (int Runs, TimeSpan Time) policy)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        for (int run = 0; run < policy.Runs || clock.Elapsed < policy.Time; run++) action();
    }
}
