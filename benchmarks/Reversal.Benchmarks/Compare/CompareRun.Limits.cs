using Reversal.Benchmarks.Limits;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks.Compare;

/// <summary>The limit group (how close both engines come to the machine's FMA peak) and the busy group (a shared machine).</summary>
internal sealed partial class CompareRun
{
    private double? _fmaPeak;
    private readonly Dictionary<TrainStepWorkload.Preset, IReadOnlyList<double>> _roundPeaks = [];

    /// <summary>
    /// <c>limit.fma_peak.{instructions}</c> (GFLOP/s, the best of three runs); <c>limit.gemm_share</c>, SGEMM 1024 over
    /// the peak of the same minutes (<see cref="PairedGemmShare"/>), with <c>limit.fma_peak.{instructions}.gemm_rounds</c>
    /// (the median of those rounds' peaks) and <c>limit.gemm_share_best_peak</c> (the fastest batch of
    /// <see cref="GemmRate"/> ÷ the best-of-three peak, minutes apart, for comparison); and, per preset, <c>limit.fma_peak.{instructions}.{preset}_rounds</c>
    /// (the median of the peaks sampled in the train-step rounds, <see cref="PeakProbe"/>) and
    /// <c>limit.mfu.{tiny,small}.{ntp,bico}</c>: model FLOPs (<see cref="TrainStepWorkload.ModelFlopsPerStep"/>) per
    /// second ÷ peak, each round's step over the same round's peak, the median over rounds; for the NTP step and for
    /// the BICO recipe (the expected step of the 50/50 mix, as the train rows). <c>limit.mfu_best_peak.*</c> divides the
    /// median step by the best-of-three peak instead (steps and peak minutes apart), for comparison.
    /// Ours against LibTorch as the peer; ratio &gt; 1 when we use more of the peak.
    /// </summary>
    private void Limit()
    {
        Next($"FMA peak ({FmaPeak.PathName}, {settings.FmaThreads} threads)");
        double peak = _fmaPeak ??= FmaPeak.Gflops(settings.FmaThreads, settings.FmaIterations);
        _rows.Add(new CompareRow($"limit.fma_peak.{FmaPeak.PathName}", peak, null, "GFLOP/s", null));
        Next("SGEMM 1024 and the FMA peak in interleaved rounds");
        var share = PairedGemmShare();
        _rows.Add(new CompareRow($"limit.fma_peak.{FmaPeak.PathName}.gemm_rounds", InterleavedRounds.Median(share.Peaks), null, "GFLOP/s", null));
        _rows.Add(CompareRow.HigherIsBetter("limit.gemm_share", share.Ours, share.LibTorch, "of peak"));
        Next("SGEMM 1024");
        _rows.Add(CompareRow.HigherIsBetter("limit.gemm_share_best_peak", OurGemm().BestBatchGflops / peak, settings.LibTorch ? TorchGemm().BestBatchGflops / peak : null, "of peak"));
        foreach (var preset in Presets)
        {
            Next($"Model-FLOP utilisation {Name(preset)}");
            var roundPeaks = RoundPeaks(preset);
            _rows.Add(new CompareRow($"limit.fma_peak.{FmaPeak.PathName}.{Name(preset)}_rounds", InterleavedRounds.Median(roundPeaks), null, "GFLOP/s", null));
            AddUtilisation(preset, "ntp", peak, roundPeaks, engine => Step(preset, "ntp", engine).RoundSeconds);
            AddUtilisation(preset, "bico", peak, roundPeaks, engine => MixRoundSeconds(preset, engine));
        }
    }

    private void AddUtilisation(TrainStepWorkload.Preset preset, string objective, double bestPeak, IReadOnlyList<double> roundPeaks,
        Func<BenchmarkEngine, IReadOnlyList<double>> roundSeconds)
    {
        double gigaflops = TrainStepWorkload.ModelFlopsPerStep(preset, objective == "ntp" ? "ntp" : "bico-mix") / 1e9;
        double Paired(BenchmarkEngine engine) => PeakProbe.MedianShare(gigaflops, roundSeconds(engine), roundPeaks);
        double OverBest(BenchmarkEngine engine) => gigaflops / InterleavedRounds.Median(roundSeconds(engine)) / bestPeak;
        _rows.Add(CompareRow.HigherIsBetter($"limit.mfu.{Name(preset)}.{objective}", Paired(BenchmarkEngine.Native),
            settings.LibTorch ? Paired(BenchmarkEngine.LibTorch) : null, "of peak"));
        _rows.Add(CompareRow.HigherIsBetter($"limit.mfu_best_peak.{Name(preset)}.{objective}", OverBest(BenchmarkEngine.Native),
            settings.LibTorch ? OverBest(BenchmarkEngine.LibTorch) : null, "of peak"));
    }

    /// <summary>
    /// SGEMM 1024 (C = A·B) as a share of the FMA peak measured in the same minutes: --rounds interleaved rounds
    /// (<see cref="InterleavedRounds"/>), each one peak run as long as a trial of the best-of-three peak
    /// (<see cref="PeakProbe"/>) and <see cref="GemmCallsPerRound"/> products of each engine; a round's share is its
    /// products' FLOPs per second over its peak, and the result the median over rounds (as <c>limit.mfu.*</c>). The
    /// machine's speed drifts by 10–25% within minutes (the peak read 290–437 GFLOP/s in one afternoon's harness runs),
    /// so a fastest batch and a best-of-three peak timed minutes apart can land on different sides of a drift.
    /// </summary>
    private (double Ours, double? LibTorch, IReadOnlyList<double> Peaks) PairedGemmShare()
    {
        const int size = 1024;
        double gigaflops = 2.0 * size * size * size / 1e9;
        var probe = new PeakProbe(settings.FmaThreads, settings.FmaIterations);
        using var torch = settings.LibTorch ? new LibTorchBenchmark.GemmCall(size, size, size) : null;
        var subjects = new List<InterleavedRounds.Subject>
        {
            probe.Subject,
            new("ours SGEMM 1024", OurBenchmark.GemmCall(size, size, size), GemmCallsPerRound),
        };
        if (torch is not null) subjects.Add(new("LibTorch torch.mm 1024", torch.Call, GemmCallsPerRound));
        var results = InterleavedRounds.Measure(subjects, runs: 1, settings.Rounds);
        var peaks = probe.RoundGflops(settings.Rounds);
        return (PeakProbe.MedianShare(gigaflops, results[1].RoundSeconds, peaks),
            torch is null ? null : PeakProbe.MedianShare(gigaflops, results[2].RoundSeconds, peaks), peaks);
    }

    /// <summary>Products of each engine per round of <see cref="PairedGemmShare"/>: about a third of a second of ours, as long as a peak run.</summary>
    private const int GemmCallsPerRound = 50;

    /// <summary>The FMA peak of each train-step round of <paramref name="preset"/>, measuring the preset's steps first if not done yet.</summary>
    private IReadOnlyList<double> RoundPeaks(TrainStepWorkload.Preset preset)
    {
        if (!_roundPeaks.ContainsKey(preset)) MeasureSteps(preset);
        return _roundPeaks[preset];
    }

    /// <summary>Each round's expected step of the BICO recipe: the mean of that round's NTP and BICO steps.</summary>
    private IReadOnlyList<double> MixRoundSeconds(TrainStepWorkload.Preset preset, BenchmarkEngine engine)
    {
        var ntp = Step(preset, "ntp", engine).RoundSeconds;
        var bico = Step(preset, "bico", engine).RoundSeconds;
        return ntp.Select((seconds, round) => (seconds + bico[round]) / 2).ToArray();
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
