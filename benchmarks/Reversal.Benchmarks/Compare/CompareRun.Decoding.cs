using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks.Compare;

/// <summary>The decode group: KV-cache greedy decoding throughput on both engines.</summary>
internal sealed partial class CompareRun
{
    private static readonly int[] DecodeBatches = [1, 32];

    /// <summary>
    /// <c>torchsharp.decode.{tiny,small}.b{1,32}</c>: new tokens per second over all rows of <see cref="DecodeWorkload"/>
    /// (16 prompt tokens, 64 new tokens per row, vocabulary 1000, the same seed-0 weights on both engines). Both engines
    /// get the train steps' warm-up (<see cref="Warmup.Step"/>: one warm-up run left our decoding partly on tier-0 code)
    /// and are timed in --decode-runs interleaved rounds of one run each (<see cref="InterleavedRounds"/>), the median
    /// counting: timed one engine after the other, a slow minute of this shared machine fell on one side only (the Tiny
    /// batch-32 ratio measured 2.99× and 1.46× in two runs an hour apart).
    /// </summary>
    private void Decode()
    {
        foreach (var preset in Presets)
        {
            foreach (int batch in DecodeBatches)
            {
                Next($"Decoding {Name(preset)} B{batch}");
                using var ours = new DecodeWorkload(preset, batch, BenchmarkEngine.Native);
                using var torch = settings.LibTorch ? new DecodeWorkload(preset, batch, BenchmarkEngine.LibTorch) : null;
                var subjects = new List<InterleavedRounds.Subject> { new($"decode {Name(preset)} B{batch} Native", () => ours.Run()) };
                if (torch is not null) subjects.Add(new($"decode {Name(preset)} B{batch} LibTorch", () => torch.Run()));
                var results = InterleavedRounds.Measure(subjects, runs: 1, settings.DecodeRuns, cancellationToken);
                double? peer = torch is null ? null : torch.NewTokensPerRun / results[1].MedianSeconds;
                _rows.Add(CompareRow.HigherIsBetter(VersusLibTorch($"decode.{Name(preset)}.b{batch}"), ours.NewTokensPerRun / results[0].MedianSeconds, peer, "tok/s"));
            }
        }
    }
}
