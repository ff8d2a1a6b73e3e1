using System.Diagnostics;
using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks.Compare;

/// <summary>The decode group: KV-cache greedy decoding throughput on both engines.</summary>
internal sealed partial class CompareRun
{
    private static readonly int[] DecodeBatches = [1, 32];

    /// <summary>
    /// <c>torchsharp.decode.{tiny,small}.b{1,32}</c>: new tokens per second over all rows of <see cref="DecodeWorkload"/>
    /// (16 prompt tokens, 64 new tokens per row, vocabulary 1000, the same seed-0 weights on both engines); the median
    /// of --decode-runs timed runs after one warm-up run.
    /// </summary>
    private void Decode()
    {
        foreach (var preset in Presets)
        {
            foreach (int batch in DecodeBatches)
            {
                Next($"Decoding {Name(preset)} B{batch}");
                double ours = DecodeTokensPerSecond(preset, batch, BenchmarkEngine.Native);
                double? torch = settings.LibTorch ? DecodeTokensPerSecond(preset, batch, BenchmarkEngine.LibTorch) : null;
                _rows.Add(CompareRow.HigherIsBetter(VersusLibTorch($"decode.{Name(preset)}.b{batch}"), ours, torch, "tok/s"));
            }
        }
    }

    private double DecodeTokensPerSecond(TrainStepWorkload.Preset preset, int batch, BenchmarkEngine engine)
    {
        using var workload = new DecodeWorkload(preset, batch, engine);
        workload.Run();
        var seconds = new double[settings.DecodeRuns];
        for (int i = 0; i < seconds.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            workload.Run();
            seconds[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        double median = seconds.Length % 2 == 1 ? seconds[seconds.Length / 2] : (seconds[seconds.Length / 2 - 1] + seconds[seconds.Length / 2]) / 2;
        return workload.NewTokensPerRun / median;
    }
}
