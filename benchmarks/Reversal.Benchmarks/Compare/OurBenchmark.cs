using System.Diagnostics;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Benchmarks.Compare;

/// <summary>Our side of the comparison, measured like the peer: warm-up runs, then the mean of timed runs.</summary>
public static class OurBenchmark
{
    /// <summary>
    /// Attention forward + backward in this process: mean milliseconds over <paramref name="runs"/> after <see cref="Warmup.Step"/>, and
    /// the growth of the process's peak resident set (VmHWM) from after q, k, v exist to the end, in MB, as the peer does.
    /// </summary>
    public static (double Milliseconds, double PeakMegabytes) Attention(int length, AttentionKind kind, int runs, int batch = AttentionWorkload.Batch)
    {
        var workload = new AttentionWorkload(length, kind, batch);
        GC.Collect();
        double before = PeakResidentMegabytes();
        Warmup.Run(workload.Run, Warmup.Step);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++) workload.Run();
        double ms = clock.Elapsed.TotalMilliseconds / runs;
        return (ms, PeakResidentMegabytes() - before);
    }

    /// <summary>SGEMM rate for C = A·B at m×k×n (see <see cref="GemmRate"/>).</summary>
    public static GemmRate Gemm(int m, int k, int n) => GemmRate.Measure(m, k, n, GemmCall(m, k, n));

    /// <summary>One SGEMM call C = A·B at m×k×n on fixed random operands (seed 0), for timing.</summary>
    public static Action GemmCall(int m, int k, int n)
    {
        var random = new SeededRandom(0);
        var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)random.NextGaussian();
        for (int i = 0; i < b.Length; i++) b[i] = (float)random.NextGaussian();
        return () => Sgemm.Multiply(false, false, m, n, k, a, k, b, n, c, n);
    }

    /// <summary>Peak resident set (VmHWM) of this process in MB (Linux); 0 where /proc is unavailable.</summary>
    public static double PeakResidentMegabytes() => ProcStatusMegabytes("VmHWM:");

    /// <summary>Current resident set (VmRSS) of this process in MB (Linux); 0 where /proc is unavailable.</summary>
    public static double ResidentMegabytes() => ProcStatusMegabytes("VmRSS:");

    private static double ProcStatusMegabytes(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        foreach (string line in File.ReadLines(status))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return double.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return 0;
    }

    /// <summary>Applies the thread count used for every measurement.</summary>
    public static void UseThreads(int threads) => Compute.MaxThreads = threads;
}
