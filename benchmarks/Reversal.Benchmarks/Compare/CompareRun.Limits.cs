using Reversal.Benchmarks.Limits;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks.Compare;

/// <summary>The limit group (how close both engines come to the machine's FMA peak) and the busy group (a shared machine).</summary>
internal sealed partial class CompareRun
{
    private double? _fmaPeak;

    /// <summary>
    /// <c>limit.fma_peak.{instructions}</c> (GFLOP/s), <c>limit.gemm_share</c> (SGEMM 1024, its fastest batch, ÷ peak; see <see cref="GemmRate"/>) and
    /// <c>limit.mfu.{tiny,small}.{ntp,bico}</c>: model FLOPs (<see cref="TrainStepWorkload.ModelFlopsPerStep"/>) per
    /// second ÷ peak, for the NTP step and for the BICO recipe (the expected step of the 50/50 mix, as the train rows).
    /// Ours against LibTorch as the peer; ratio &gt; 1 when we use more of the peak.
    /// </summary>
    private void Limit()
    {
        Next($"FMA peak ({FmaPeak.PathName}, {settings.FmaThreads} threads)");
        double peak = _fmaPeak ??= FmaPeak.Gflops(settings.FmaThreads, settings.FmaIterations);
        _rows.Add(new CompareRow($"limit.fma_peak.{FmaPeak.PathName}", peak, null, "GFLOP/s", null));
        Next("SGEMM 1024");
        _rows.Add(CompareRow.HigherIsBetter("limit.gemm_share", OurGemm().BestBatchGflops / peak, settings.LibTorch ? TorchGemm().BestBatchGflops / peak : null, "of peak"));
        foreach (var preset in Presets)
        {
            Next($"Model-FLOP utilisation {Name(preset)}");
            AddUtilisation(preset, "ntp", peak, engine => Step(preset, "ntp", engine).Seconds);
            AddUtilisation(preset, "bico", peak, engine => MixSeconds(preset, engine));
        }
    }

    private void AddUtilisation(TrainStepWorkload.Preset preset, string objective, double peakGflops, Func<BenchmarkEngine, double> stepSeconds)
    {
        double gigaflops = TrainStepWorkload.ModelFlopsPerStep(preset, objective == "ntp" ? "ntp" : "bico-mix") / 1e9;
        double? peer = settings.LibTorch ? gigaflops / stepSeconds(BenchmarkEngine.LibTorch) / peakGflops : null;
        _rows.Add(CompareRow.HigherIsBetter($"limit.mfu.{Name(preset)}.{objective}", gigaflops / stepSeconds(BenchmarkEngine.Native) / peakGflops, peer, "of peak"));
    }

    /// <summary>
    /// The Tiny NTP train step while another process keeps one core busy (<see cref="BusyNeighbour"/>), both engines
    /// with --threads, in interleaved rounds under the same load (<see cref="InterleavedRounds"/>, as the quiet train
    /// rows): <c>torchsharp.busy.train.tiny.ntp</c> (tok/s under the load) and <c>busy.throughput_kept.tiny.ntp</c>
    /// (busy ÷ quiet throughput of each engine: how much of its speed each keeps).
    /// </summary>
    private void Busy()
    {
        const TrainStepWorkload.Preset preset = TrainStepWorkload.Preset.Tiny;
        Next("Train step tiny ntp, quiet");
        double quiet = Step(preset, "ntp", BenchmarkEngine.Native).Seconds;
        double? torchQuiet = settings.LibTorch ? Step(preset, "ntp", BenchmarkEngine.LibTorch).Seconds : null;
        Next("Train step tiny ntp beside a busy process");
        IReadOnlyList<InterleavedRounds.Result> results;
        using (BusyNeighbour.Start())
            results = MeasureInterleaved(Engines().Select(engine => (preset, "ntp", engine)).ToArray(), "busy ");
        double busy = results[0].MedianSeconds;
        double? torchBusy = settings.LibTorch ? results[1].MedianSeconds : null;
        int tokens = Tokens(preset);
        _rows.Add(CompareRow.HigherIsBetter(VersusLibTorch("busy.train.tiny.ntp"), tokens / busy, tokens / torchBusy, "tok/s"));
        _rows.Add(CompareRow.HigherIsBetter("busy.throughput_kept.tiny.ntp", quiet / busy, torchQuiet / torchBusy, "x of quiet"));
    }
}
