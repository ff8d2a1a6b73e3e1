using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.TorchSharp.Attention;

namespace Reversal.Benchmarks.Compare;

/// <summary>The long group: attention forward + backward at T = 4096, B1 H8 hd64, and how its memory grows with T.</summary>
internal sealed partial class CompareRun
{
    /// <summary>Sequence lengths of the memory-growth rows; the last is the long-context length.</summary>
    private static readonly int[] GrowthLengths = [1024, 2048, 4096];

    /// <summary>
    /// Per kind (causal, BICO): <c>torchsharp.attention.t4096.{kind}.time</c> and <c>.peak_memory</c> (LibTorch: the fused
    /// SDPA for causal, the faster exact formulation for BICO), then <c>long.peak_memory.{kind}.t1024</c> and
    /// <c>.t2048</c> (one call after the warm-up: memory does not depend on the run count) and
    /// <c>long.memory_growth.{kind}</c> in "x per doubling": (peak(4096) − peak(2048)) ÷ (peak(2048) − peak(1024)).
    /// Memory growing linearly in T gives 2, quadratically 4. The differences cancel what does not depend on T (code,
    /// runtime, thread stacks), which would pull a plain peak(4096) ÷ peak(2048) towards 1.
    /// </summary>
    private void LongContext()
    {
        const int batch = 1;
        int length = GrowthLengths[^1];
        foreach (var kind in new[] { AttentionKind.Causal, AttentionKind.Bico })
        {
            string kindName = kind == AttentionKind.Causal ? "causal" : "bico";
            Next($"Attention T={length} B{batch} {kindName}");
            var ours = AttentionInChildProcess(length, kind, BenchmarkEngine.Native, default, batch, settings.AttentionRuns);
            (double Milliseconds, double PeakMegabytes)? torch = null;
            var formulation = default(BicoAttentionFormulation);
            if (settings.LibTorch && kind == AttentionKind.Causal)
                torch = AttentionInChildProcess(length, kind, BenchmarkEngine.LibTorch, formulation, batch, settings.AttentionRuns);
            else if (settings.LibTorch)
                (torch, formulation) = BestLibTorchBico(length, batch);
            AddAttentionRows(VersusLibTorch($"attention.t{length}.{kindName}"), ours, torch);

            Next($"Attention peak memory at T={string.Join(", ", GrowthLengths[..^1])} B{batch} {kindName}");
            var oursPeaks = new List<double>();
            var torchPeaks = new List<double>();
            foreach (int shorter in GrowthLengths[..^1])
            {
                double oursPeak = AttentionInChildProcess(shorter, kind, BenchmarkEngine.Native, default, batch, runs: 1).PeakMegabytes;
                double? torchPeak = settings.LibTorch ? AttentionInChildProcess(shorter, kind, BenchmarkEngine.LibTorch, formulation, batch, runs: 1).PeakMegabytes : null;
                _rows.Add(CompareRow.LowerIsBetter($"long.peak_memory.{kindName}.t{shorter}", oursPeak, torchPeak, "MB"));
                oursPeaks.Add(oursPeak);
                if (torchPeak is double p) torchPeaks.Add(p);
            }
            oursPeaks.Add(ours.PeakMegabytes);
            if (torch is { } t) torchPeaks.Add(t.PeakMegabytes);
            _rows.Add(CompareRow.LowerIsBetter($"long.memory_growth.{kindName}", GrowthPerDoubling(oursPeaks),
                settings.LibTorch ? GrowthPerDoubling(torchPeaks) : null, "x per doubling"));
        }
    }

    /// <summary>(p[2] − p[1]) ÷ (p[1] − p[0]) of peaks at T, 2T and 4T; NaN when the first difference is not positive.</summary>
    private static double GrowthPerDoubling(IReadOnlyList<double> peaks) =>
        peaks[1] > peaks[0] ? (peaks[2] - peaks[1]) / (peaks[1] - peaks[0]) : double.NaN;
}
