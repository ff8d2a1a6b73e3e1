using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;
using Reversal.Samples.Common;
using Reversal.Training.Attention;
using Reversal.Training.IO;
using Reversal.Training.TorchSharp.Attention;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// <c>compare --out DIR [--threads 2] [--steps 10] [--attention-runs 5] [--peer-script PATH | --no-pytorch] [--no-libtorch]</c>:
/// measures this library, LibTorch 2.10 through TorchSharp in the same process, and the PyTorch 1.13 script (when
/// <c>/usr/bin/python3</c> has torch) on the same shapes in one run, prints the ratios and writes <c>DIR/compare.json</c>.
/// Attention is measured in a child process per engine so that peak-memory growth is the call's own.
/// Rows named <c>torchsharp.*</c> compare with LibTorch; the others with the PyTorch script.
/// </summary>
public static class CompareCommand
{
    private const string CompareName = "compare";
    private const string ChildName = "attention-memory";

    /// <summary>The <c>compare</c> command and its hidden <c>attention-memory</c> child (bad values are refused by option name).</summary>
    public static IEnumerable<Command> Create()
    {
        var output = new Option<string>("--out") { Description = "Folder that receives compare.json.", DefaultValueFactory = _ => "compare-results" };
        var threads = new Option<int>("--threads") { Description = "Threads of every engine.", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var steps = new Option<int>("--steps") { Description = "Timed train steps per measurement (after 2 warm-up steps).", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var attentionRuns = new Option<int>("--attention-runs") { Description = "Timed attention calls per measurement (after 1 warm-up).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var peerScript = new Option<string?>("--peer-script") { Description = "Path of torch_llama.py (default: ../shared/bench/torch_llama.py beside the repository)." };
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Skip the PyTorch 1.13 script peer." };
        var noLibTorch = new Option<bool>("--no-libtorch") { Description = "Skip the LibTorch (TorchSharp) peer." };
        var compare = new Command(CompareName, "Ours against LibTorch 2.10 (TorchSharp, same process) and PyTorch 1.13 (script): train steps, attention, SGEMM.")
        {
            output, threads, steps, attentionRuns, peerScript, noPyTorch, noLibTorch,
        };
        compare.SetAction((parse, cancellationToken) =>
        {
            string? script = parse.GetValue(noPyTorch) ? null : parse.GetValue(peerScript) ?? PyTorchScriptPeer.Locate();
            if (script is not null && !File.Exists(script))
            {
                Console.Error.WriteLine($"--peer-script: '{script}' does not exist.");
                return Task.FromResult(2);
            }
            return Task.FromResult(Run(new CompareSettings(parse.GetValue(output)!, parse.GetValue(threads), parse.GetValue(steps), parse.GetValue(attentionRuns),
                script, !parse.GetValue(noLibTorch)), cancellationToken));
        });

        var length = new Argument<int>("length");
        var kind = new Argument<AttentionKind>("kind");
        var runs = new Argument<int>("runs");
        var childThreads = new Argument<int>("threads");
        var engine = new Argument<BenchmarkEngine>("engine");
        var formulation = new Argument<BicoAttentionFormulation>("formulation");
        var child = new Command(ChildName, "Internal: one engine's attention time and peak-memory growth, in its own process.")
        {
            length, kind, runs, childThreads, engine, formulation,
        };
        child.Hidden = true;
        child.SetAction(parse =>
        {
            OurBenchmark.UseThreads(parse.GetValue(childThreads));
            LibTorchBenchmark.UseThreads(parse.GetValue(childThreads));
            var (ms, mb) = parse.GetValue(engine) == BenchmarkEngine.Native
                ? OurBenchmark.Attention(parse.GetValue(length), parse.GetValue(kind), parse.GetValue(runs))
                : LibTorchBenchmark.Attention(parse.GetValue(length), parse.GetValue(kind), parse.GetValue(formulation), parse.GetValue(runs));
            Console.WriteLine(FormattableString.Invariant($"{ms} {mb}"));
            return 0;
        });

        return [compare, child];
    }

    /// <remarks>A stop signal is honoured between measurements; compare.json is written only by a complete run.</remarks>
    private static int Run(CompareSettings settings, CancellationToken cancellationToken)
    {
        OurBenchmark.UseThreads(settings.Threads);
        LibTorchBenchmark.UseThreads(settings.Threads);
        var python = settings.PyTorchScript is string script && PyTorchScriptPeer.TorchAvailable() ? new PyTorchScriptPeer(script, settings.Threads) : null;
        Console.WriteLine(python is null
            ? "PyTorch 1.13 script peer: not available (needs /usr/bin/python3 with torch and shared/bench/torch_llama.py)."
            : $"PyTorch 1.13 script peer: {settings.PyTorchScript}");
        Console.WriteLine(settings.LibTorch ? $"LibTorch peer: TorchSharp, LibTorch 2.10 CPU, in this process" : "LibTorch peer: skipped");
        Console.WriteLine($"{settings.Threads} threads, {settings.Steps} timed steps, {settings.AttentionRuns} timed attention calls.");

        Dictionary<string, double> scriptTrain = [], scriptGemm = [];
        (double Milliseconds, double PeakMegabytes)? scriptAttention = null;
        if (python is not null)
        {
            Console.WriteLine("Running the PyTorch script ...");
            scriptTrain = python.TrainThroughput();
            scriptAttention = python.Attention("bico", 1024);
            scriptGemm = python.Gemm();
        }

        var rows = new List<CompareRow>();
        double tinyNtpSeconds = 0, tinyMixSeconds = 0;
        foreach (var preset in new[] { TrainStepWorkload.Preset.Tiny, TrainStepWorkload.Preset.Small })
        {
            string name = preset.ToString().ToLowerInvariant();
            cancellationToken.ThrowIfCancellationRequested();
            Console.WriteLine($"Train step {name} ...");
            double ntp = OurBenchmark.TrainStepSeconds(preset, "ntp", settings.Steps, out int tokens, out double ntpBytes);
            double bico = OurBenchmark.TrainStepSeconds(preset, "bico", settings.Steps, out _, out double bicoBytes);
            // The BICO recipe flips a fair coin per batch: its expected step time is the mean of the two step kinds.
            double mix = (ntp + bico) / 2;
            rows.Add(CompareRow.HigherIsBetter($"train.{name}.ntp", tokens / ntp, Get(scriptTrain, $"{name}.causal"), "tok/s"));
            rows.Add(CompareRow.HigherIsBetter($"train.{name}.bico", tokens / mix, Get(scriptTrain, $"{name}.bico"), "tok/s"));
            rows.Add(CompareRow.HigherIsBetter($"train.{name}.bico_denoising_only", tokens / bico, Get(scriptTrain, $"{name}.bico"), "tok/s"));
            if (settings.LibTorch)
            {
                double torchNtp = LibTorchBenchmark.TrainStepSeconds(preset, "ntp", settings.Steps);
                double torchBico = LibTorchBenchmark.TrainStepSeconds(preset, "bico", settings.Steps);
                rows.Add(CompareRow.HigherIsBetter($"torchsharp.train.{name}.ntp", tokens / ntp, tokens / torchNtp, "tok/s"));
                rows.Add(CompareRow.HigherIsBetter($"torchsharp.train.{name}.bico", tokens / mix, tokens / ((torchNtp + torchBico) / 2), "tok/s"));
            }
            rows.Add(new CompareRow($"allocated_per_step.{name}.ntp", ntpBytes / 1e6, null, "MB", null));
            rows.Add(new CompareRow($"allocated_per_step.{name}.bico", bicoBytes / 1e6, null, "MB", null));
            if (preset == TrainStepWorkload.Preset.Tiny) (tinyNtpSeconds, tinyMixSeconds) = (ntp, mix);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Console.WriteLine("Attention T=1024 ...");
        var oursBico = AttentionInChildProcess(1024, AttentionKind.Bico, BenchmarkEngine.Native, default, settings);
        rows.Add(CompareRow.LowerIsBetter("attention.t1024.bico.time", oursBico.Milliseconds, scriptAttention?.Milliseconds, "ms"));
        rows.Add(CompareRow.LowerIsBetter("attention.t1024.bico.peak_memory", oursBico.PeakMegabytes, scriptAttention?.PeakMegabytes, "MB"));
        if (settings.LibTorch)
        {
            var oursCausal = AttentionInChildProcess(1024, AttentionKind.Causal, BenchmarkEngine.Native, default, settings);
            var torchCausal = AttentionInChildProcess(1024, AttentionKind.Causal, BenchmarkEngine.LibTorch, default, settings);
            rows.Add(CompareRow.LowerIsBetter("torchsharp.attention.t1024.causal.time", oursCausal.Milliseconds, torchCausal.Milliseconds, "ms"));
            rows.Add(CompareRow.LowerIsBetter("torchsharp.attention.t1024.causal.peak_memory", oursCausal.PeakMegabytes, torchCausal.PeakMegabytes, "MB"));
            var formulations = Enum.GetValues<BicoAttentionFormulation>()
                .Select(f => (Formulation: f, Result: AttentionInChildProcess(1024, AttentionKind.Bico, BenchmarkEngine.LibTorch, f, settings)))
                .ToList();
            foreach (var (formulation, result) in formulations)
                rows.Add(new CompareRow($"libtorch.attention.t1024.bico.{Snake(formulation)}.time", result.Milliseconds, null, "ms", null));
            var best = formulations.MinBy(f => f.Result.Milliseconds).Result;
            rows.Add(CompareRow.LowerIsBetter("torchsharp.attention.t1024.bico.time", oursBico.Milliseconds, best.Milliseconds, "ms"));
            rows.Add(CompareRow.LowerIsBetter("torchsharp.attention.t1024.bico.peak_memory", oursBico.PeakMegabytes, best.PeakMegabytes, "MB"));
        }

        cancellationToken.ThrowIfCancellationRequested();
        Console.WriteLine("SGEMM 1024 ...");
        double gemm = OurBenchmark.GemmGflops(1024, 1024, 1024);
        rows.Add(CompareRow.HigherIsBetter("gemm.1024", gemm, Get(scriptGemm, "1024x1024x1024"), "GFLOP/s"));
        if (settings.LibTorch) rows.Add(CompareRow.HigherIsBetter("torchsharp.gemm.1024", gemm, LibTorchBenchmark.GemmGflops(1024, 1024, 1024), "GFLOP/s"));
        rows.Add(new CompareRow("bico_over_ntp.tiny", tinyMixSeconds / tinyNtpSeconds, null, "ratio", null));

        Print(rows);
        Directory.CreateDirectory(settings.Output);
        string path = Path.Combine(settings.Output, "compare.json");
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {path}");
        return 0;
    }

    private static string Snake(BicoAttentionFormulation formulation) => formulation switch
    {
        BicoAttentionFormulation.TwoScoreMatrices => "two_score_matrices",
        _ => "concatenated_keys",
    };

    private static (double Milliseconds, double PeakMegabytes) AttentionInChildProcess(int length, AttentionKind kind, BenchmarkEngine engine,
        BicoAttentionFormulation formulation, CompareSettings settings)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        string self = typeof(CompareCommand).Assembly.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        if (viaDotnet) start.ArgumentList.Add(self);
        foreach (string a in new[] { ChildName, length.ToString(CultureInfo.InvariantCulture), kind.ToString(), settings.AttentionRuns.ToString(CultureInfo.InvariantCulture),
                     settings.Threads.ToString(CultureInfo.InvariantCulture), engine.ToString(), formulation.ToString() })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string line = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"The {engine} attention child process failed (exit {process.ExitCode}).");
        var parts = line.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static void Print(IReadOnlyList<CompareRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"name",-48} {"ours",12} {"peer",12} {"unit",-8} {"ratio (>1: we are better)",10}");
        foreach (var r in rows)
            Console.WriteLine(FormattableString.Invariant(
                $"{r.Name,-48} {r.Ours,12:0.###} {(r.Peer is double p ? p.ToString("0.###", CultureInfo.InvariantCulture) : "-"),12} {r.Unit,-8} {(r.Ratio is double x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-"),10}"));
    }

    private static double? Get(Dictionary<string, double> values, string key) => values.TryGetValue(key, out double v) ? v : null;
}
