using System.Globalization;
using Reversal.Benchmarks.Limits;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.TorchSharp.Attention;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// One compare run: the selected <see cref="CompareGroups"/> in order, each adding its rows. A measurement that several
/// groups use (a train step, SGEMM 1024, the FMA peak) is taken once and shared. The train, attention and gemm groups
/// are here; the others in the other parts of this class.
/// </summary>
internal sealed partial class CompareRun(CompareSettings settings, PyTorchScriptPeer? python, CancellationToken cancellationToken)
{
    private static readonly TrainStepWorkload.Preset[] Presets = [TrainStepWorkload.Preset.Tiny, TrainStepWorkload.Preset.Small];
    private readonly List<CompareRow> _rows = [];
    private readonly Dictionary<(TrainStepWorkload.Preset, string, BenchmarkEngine), StepTime> _steps = [];
    private GemmRate? _ourGemm, _torchGemm;

    /// <summary>Runs the selected groups; a stop signal is honoured between measurements.</summary>
    public IReadOnlyList<CompareRow> Measure()
    {
        foreach (string group in CompareGroups.All.Where(settings.Groups.Contains))
        {
            Action measure = group switch
            {
                CompareGroups.Train => Train,
                CompareGroups.Attention => Attention,
                CompareGroups.Gemm => Gemm,
                CompareGroups.Limit => Limit,
                CompareGroups.Long => LongContext,
                CompareGroups.Busy => Busy,
                CompareGroups.Decode => Decode,
                _ => Profile,
            };
            measure();
        }
        return _rows;
    }

    /// <summary>
    /// Seconds of one train step (median of round means), every round's mean in round order, and our managed bytes
    /// allocated per step (NaN on LibTorch).
    /// </summary>
    private sealed record StepTime(double Seconds, IReadOnlyList<double> RoundSeconds, double AllocatedBytes);

    private void Train()
    {
        var script = Script("train")?.TrainThroughput() ?? [];
        double tinyNtpSeconds = 0, tinyMixSeconds = 0;
        foreach (var preset in Presets)
        {
            string name = Name(preset);
            Next($"Train step {name}");
            int tokens = Tokens(preset);
            var ntp = Step(preset, "ntp", BenchmarkEngine.Native);
            var bico = Step(preset, "bico", BenchmarkEngine.Native);
            double mix = MixSeconds(preset, BenchmarkEngine.Native);
            _rows.Add(CompareRow.HigherIsBetter($"train.{name}.ntp", tokens / ntp.Seconds, Get(script, $"{name}.causal"), "tok/s"));
            _rows.Add(CompareRow.HigherIsBetter($"train.{name}.bico", tokens / mix, Get(script, $"{name}.bico"), "tok/s"));
            _rows.Add(CompareRow.HigherIsBetter($"train.{name}.bico_denoising_only", tokens / bico.Seconds, Get(script, $"{name}.bico"), "tok/s"));
            if (settings.LibTorch)
            {
                _rows.Add(CompareRow.HigherIsBetter($"torchsharp.train.{name}.ntp", tokens / ntp.Seconds, tokens / Step(preset, "ntp", BenchmarkEngine.LibTorch).Seconds, "tok/s"));
                _rows.Add(CompareRow.HigherIsBetter($"torchsharp.train.{name}.bico", tokens / mix, tokens / MixSeconds(preset, BenchmarkEngine.LibTorch), "tok/s"));
            }
            _rows.Add(new CompareRow($"allocated_per_step.{name}.ntp", ntp.AllocatedBytes / 1e6, null, "MB", null));
            _rows.Add(new CompareRow($"allocated_per_step.{name}.bico", bico.AllocatedBytes / 1e6, null, "MB", null));
            if (preset == TrainStepWorkload.Preset.Tiny) (tinyNtpSeconds, tinyMixSeconds) = (ntp.Seconds, mix);
        }
        _rows.Add(new CompareRow("bico_over_ntp.tiny", tinyMixSeconds / tinyNtpSeconds, null, "ratio", null));
    }

    private void Attention()
    {
        const int length = 1024, batch = AttentionWorkload.Batch;
        var script = Script("attention")?.Attention("bico", length);
        Next($"Attention T={length}");
        var oursBico = AttentionInChildProcess(length, AttentionKind.Bico, BenchmarkEngine.Native, default, batch, settings.AttentionRuns);
        _rows.Add(CompareRow.LowerIsBetter("attention.t1024.bico.time", oursBico.Milliseconds, script?.Milliseconds, "ms"));
        _rows.Add(CompareRow.LowerIsBetter("attention.t1024.bico.peak_memory", oursBico.PeakMegabytes, script?.PeakMegabytes, "MB"));
        if (!settings.LibTorch) return;
        var oursCausal = AttentionInChildProcess(length, AttentionKind.Causal, BenchmarkEngine.Native, default, batch, settings.AttentionRuns);
        var torchCausal = AttentionInChildProcess(length, AttentionKind.Causal, BenchmarkEngine.LibTorch, default, batch, settings.AttentionRuns);
        AddAttentionRows($"torchsharp.attention.t{length}.causal", oursCausal, torchCausal);
        var (best, _) = BestLibTorchBico(length, batch);
        AddAttentionRows($"torchsharp.attention.t{length}.bico", oursBico, best);
    }

    private void Gemm()
    {
        var script = Script("gemm")?.Gemm() ?? [];
        Next("SGEMM 1024");
        // The script reports the mean of its calls; LibTorch and the share of the FMA peak use the fastest batch (see GemmRate).
        _rows.Add(CompareRow.HigherIsBetter("gemm.1024", OurGemm().MeanGflops, Get(script, "1024x1024x1024"), "GFLOP/s"));
        if (settings.LibTorch) _rows.Add(CompareRow.HigherIsBetter("torchsharp.gemm.1024", OurGemm().BestBatchGflops, TorchGemm().BestBatchGflops, "GFLOP/s"));
    }

    /// <summary>The PyTorch script peer, about to run a group's part in its own process, or null without the script.</summary>
    private PyTorchScriptPeer? Script(string what)
    {
        if (python is not null) Next($"PyTorch script: {what}");
        return python;
    }

    /// <summary>
    /// A train step's time. The first request for a preset measures every objective on every engine of the run together,
    /// in <see cref="CompareSettings.Rounds"/> interleaved rounds of --steps steps (<see cref="InterleavedRounds"/>), so
    /// that our step and LibTorch's see the same minutes of the machine; each is the median of its round means.
    /// </summary>
    private StepTime Step(TrainStepWorkload.Preset preset, string objective, BenchmarkEngine engine)
    {
        if (!_steps.ContainsKey((preset, objective, engine))) MeasureSteps(preset);
        return _steps[(preset, objective, engine)];
    }

    private static readonly string[] StepObjectives = ["ntp", "bico"];

    private void MeasureSteps(TrainStepWorkload.Preset preset)
    {
        var keys = StepObjectives.SelectMany(objective => Engines().Select(engine => (preset, objective, engine))).ToArray();
        var probe = new PeakProbe(settings.FmaThreads, settings.FmaIterations);
        var results = MeasureInterleaved(keys, "", probe.Subject);
        for (int i = 0; i < keys.Length; i++)
            _steps[keys[i]] = new StepTime(results[i].MedianSeconds, results[i].RoundSeconds, keys[i].engine == BenchmarkEngine.Native ? results[i].AllocatedBytesPerCall : double.NaN);
        _roundPeaks[preset] = probe.RoundGflops(settings.Rounds);
    }

    /// <summary>Our engine, and LibTorch's when the run has it.</summary>
    private BenchmarkEngine[] Engines() => settings.LibTorch ? [BenchmarkEngine.Native, BenchmarkEngine.LibTorch] : [BenchmarkEngine.Native];

    /// <summary>
    /// Train steps of <paramref name="keys"/> in --rounds interleaved rounds of --steps steps (<see cref="InterleavedRounds"/>),
    /// one result per key in order (then one for <paramref name="extra"/>, a subject timed in the same rounds); the
    /// console names each subject with <paramref name="prefix"/>.
    /// </summary>
    private IReadOnlyList<InterleavedRounds.Result> MeasureInterleaved((TrainStepWorkload.Preset preset, string objective, BenchmarkEngine engine)[] keys, string prefix,
        InterleavedRounds.Subject? extra = null)
    {
        var workloads = new List<TrainStepWorkload>();
        try
        {
            foreach (var key in keys) workloads.Add(new TrainStepWorkload(key.preset, key.objective, key.engine));
            var subjects = keys.Select((key, i) => new InterleavedRounds.Subject($"{prefix}{Name(key.preset)} {key.objective} {key.engine}", () => workloads[i].Step())).ToList();
            if (extra is not null) subjects.Add(extra);
            return InterleavedRounds.Measure(subjects, settings.Steps, settings.Rounds, cancellationToken);
        }
        finally
        {
            foreach (var workload in workloads) workload.Dispose();
        }
    }

    /// <summary>The expected step time of the BICO recipe, which flips a fair coin per batch: the mean of an NTP and a BICO step.</summary>
    private double MixSeconds(TrainStepWorkload.Preset preset, BenchmarkEngine engine) =>
        (Step(preset, "ntp", engine).Seconds + Step(preset, "bico", engine).Seconds) / 2;

    private GemmRate OurGemm() => _ourGemm ??= OurBenchmark.Gemm(1024, 1024, 1024);

    private GemmRate TorchGemm() => _torchGemm ??= LibTorchBenchmark.Gemm(1024, 1024, 1024);

    /// <summary>
    /// LibTorch's exact BICO formulations at one shape, each in its own process (a <c>libtorch.attention.*</c> row
    /// each); returns the fastest, which the <c>torchsharp.*</c> rows compare with, and its formulation.
    /// </summary>
    private ((double Milliseconds, double PeakMegabytes) Result, BicoAttentionFormulation Formulation) BestLibTorchBico(int length, int batch, int? runs = null)
    {
        var formulations = Enum.GetValues<BicoAttentionFormulation>()
            .Select(f => (Result: AttentionInChildProcess(length, AttentionKind.Bico, BenchmarkEngine.LibTorch, f, batch, runs ?? settings.AttentionRuns), Formulation: f))
            .ToList();
        foreach (var (result, formulation) in formulations)
            _rows.Add(new CompareRow($"libtorch.attention.t{length}.bico.{Snake(formulation)}.time", result.Milliseconds, null, "ms", null));
        return formulations.MinBy(f => f.Result.Milliseconds);
    }

    /// <summary>The <c>.time</c> and <c>.peak_memory</c> rows of one attention comparison.</summary>
    private void AddAttentionRows(string name, (double Milliseconds, double PeakMegabytes) ours, (double Milliseconds, double PeakMegabytes)? peer)
    {
        _rows.Add(CompareRow.LowerIsBetter($"{name}.time", ours.Milliseconds, peer?.Milliseconds, "ms"));
        _rows.Add(CompareRow.LowerIsBetter($"{name}.peak_memory", ours.PeakMegabytes, peer?.PeakMegabytes, "MB"));
    }

    /// <summary>One engine's attention (mean ms after a warm-up, and peak resident-set growth in MB) in a child process of its own.</summary>
    private (double Milliseconds, double PeakMegabytes) AttentionInChildProcess(int length, AttentionKind kind, BenchmarkEngine engine,
        BicoAttentionFormulation formulation, int batch, int runs)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string[] arguments = [CompareCommand.ChildName, Invariant(length), kind.ToString(), Invariant(runs), Invariant(settings.Threads),
            engine.ToString(), formulation.ToString(), Invariant(batch)];
        using var process = SelfProcess.Start(arguments);
        string line = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"The {engine} attention child process failed (exit {process.ExitCode}).");
        var parts = line.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Stops here when a stop signal arrived; otherwise says what is measured next.</summary>
    private void Next(string what)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Console.WriteLine($"{what} ...");
    }

    /// <summary><c>torchsharp.</c> + <paramref name="name"/> when the LibTorch peer runs, else <paramref name="name"/> (a row of ours alone).</summary>
    private string VersusLibTorch(string name) => settings.LibTorch ? $"torchsharp.{name}" : name;

    private static int Tokens(TrainStepWorkload.Preset preset)
    {
        var (_, length, batch) = TrainStepWorkload.Shape(preset);
        return batch * length;
    }

    private static string Name(TrainStepWorkload.Preset preset) => preset.ToString().ToLowerInvariant();

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Snake(BicoAttentionFormulation formulation) => formulation switch
    {
        BicoAttentionFormulation.TwoScoreMatrices => "two_score_matrices",
        _ => "concatenated_keys",
    };

    private static double? Get(Dictionary<string, double> values, string key) => values.TryGetValue(key, out double v) ? v : null;
}
