using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reversal.Benchmarks.Limits;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;
using Reversal.Samples.Common;
using Reversal.Training.Attention;
using Reversal.Training.IO;
using Reversal.Training.TorchSharp.Attention;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// <c>compare --out DIR [--rows train,attention,gemm,limit,long,busy,decode,profile] [--threads 2] [--steps 10] [--rounds 5] [--attention-runs 5]
/// [--fma-threads N] [--fma-iterations 200000000] [--decode-runs 7] [--peer-script PATH | --no-pytorch] [--no-libtorch]</c>:
/// measures this library, LibTorch 2.10 through TorchSharp in the same process, and the PyTorch 1.13 script (when
/// <c>/usr/bin/python3</c> has torch) on the same shapes in one run, prints the ratios and writes <c>DIR/compare.json</c>.
/// Attention is measured in a child process per engine so that peak-memory growth is the call's own.
/// Rows named <c>torchsharp.*</c> compare with LibTorch, as do the <c>limit.*</c> and <c>busy.throughput_kept.*</c>
/// rows; the other rows with a peer compare with the PyTorch script. <see cref="CompareRun"/> holds the measurements.
/// </summary>
public static class CompareCommand
{
    private const string CompareName = "compare";
    /// <summary>The hidden command that measures one engine's attention in its own process.</summary>
    internal const string ChildName = "attention-memory";

    /// <summary>
    /// The <c>compare</c> command, its hidden <c>attention-memory</c> child and the hidden <c>spin</c> busy process (bad
    /// values are refused by option name).
    /// </summary>
    public static IEnumerable<Command> Create()
    {
        var output = new Option<string>("--out") { Description = "Folder that receives compare.json.", DefaultValueFactory = _ => "compare-results" };
        var rows = new Option<string>("--rows")
        {
            Description = $"Comma-separated measurement groups to run: {string.Join(", ", CompareGroups.All)} (default: all). train: train steps and "
                + "allocation; attention: T=1024 B4; gemm: SGEMM 1024; limit: FMA peak, SGEMM share and model-FLOP utilisation; long: T=4096 B1 "
                + "attention and memory growth; busy: Tiny train step beside a busy process; decode: KV-cache greedy decoding; "
                + "profile: our train step's time per operation and category (GEMM, attention, norms, ..., optimizer).",
            DefaultValueFactory = _ => "all",
        };
        rows.Validators.Add(result =>
        {
            if (!CompareGroups.TryParse(result.GetValueOrDefault<string>(), out _, out string? error)) result.AddError($"{rows.Name}: {error}");
        });
        var threads = new Option<int>("--threads") { Description = "Threads of every engine.", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var steps = new Option<int>("--steps") { Description = "Timed train steps per engine and objective in each round (after a warm-up of at least 2 steps and 3 seconds).", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var rounds = new Option<int>("--rounds")
        {
            Description = "Interleaved rounds of the train-step measurements: each round times --steps steps of every engine and objective in turn; "
                + "the median of the round means counts.",
            DefaultValueFactory = _ => 5,
        }.AtLeast(1);
        var attentionRuns = new Option<int>("--attention-runs") { Description = "Timed attention calls per measurement (after at least 2 warm-up calls and 3 seconds).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var fmaThreads = new Option<int?>("--fma-threads") { Description = "Threads of the FMA-peak measurement (default: --threads)." }.AtLeast(1);
        var fmaIterations = new Option<int>("--fma-iterations")
        {
            Description = "Loop iterations per thread of one FMA-peak run (12 independent FMAs each; best of 3 runs).", DefaultValueFactory = _ => 200_000_000,
        }.AtLeast(1);
        var decodeRuns = new Option<int>("--decode-runs") { Description = "Interleaved rounds of one timed decoding run per engine (after the warm-up; the median counts).", DefaultValueFactory = _ => 7 }.AtLeast(1);
        var peerScript = new Option<string?>("--peer-script") { Description = "Path of torch_llama.py (default: ../shared/bench/torch_llama.py beside the repository)." };
        var noPyTorch = new Option<bool>("--no-pytorch") { Description = "Skip the PyTorch 1.13 script peer." };
        var noLibTorch = new Option<bool>("--no-libtorch") { Description = "Skip the LibTorch (TorchSharp) peer." };
        var compare = new Command(CompareName, "Ours against LibTorch 2.10 (TorchSharp, same process) and PyTorch 1.13 (script): train steps, attention, "
            + "SGEMM, the FMA peak and utilisation, long context, a shared machine, decoding.")
        {
            output, rows, threads, steps, rounds, attentionRuns, fmaThreads, fmaIterations, decodeRuns, peerScript, noPyTorch, noLibTorch,
        };
        compare.SetAction((parse, cancellationToken) =>
        {
            string? script = parse.GetValue(noPyTorch) ? null : parse.GetValue(peerScript) ?? PyTorchScriptPeer.Locate();
            if (script is not null && !File.Exists(script))
            {
                Console.Error.WriteLine($"--peer-script: '{script}' does not exist.");
                return Task.FromResult(2);
            }
            CompareGroups.TryParse(parse.GetValue(rows), out var groups, out _);
            int threadCount = parse.GetValue(threads);
            return Task.FromResult(Run(new CompareSettings(parse.GetValue(output)!, threadCount, parse.GetValue(steps), parse.GetValue(rounds), parse.GetValue(attentionRuns),
                script, !parse.GetValue(noLibTorch), groups, parse.GetValue(fmaThreads) ?? threadCount, parse.GetValue(fmaIterations),
                parse.GetValue(decodeRuns)), cancellationToken));
        });

        var length = new Argument<int>("length");
        var kind = new Argument<AttentionKind>("kind");
        var runs = new Argument<int>("runs");
        var childThreads = new Argument<int>("threads");
        var engine = new Argument<BenchmarkEngine>("engine");
        var formulation = new Argument<BicoAttentionFormulation>("formulation");
        var batch = new Argument<int>("batch");
        var child = new Command(ChildName, "Internal: one engine's attention time and peak-memory growth, in its own process.")
        {
            length, kind, runs, childThreads, engine, formulation, batch,
        };
        child.Hidden = true;
        child.SetAction(parse =>
        {
            OurBenchmark.UseThreads(parse.GetValue(childThreads));
            if (parse.GetValue(engine) == BenchmarkEngine.LibTorch) LibTorchBenchmark.UseThreads(parse.GetValue(childThreads));
            var (ms, mb) = parse.GetValue(engine) == BenchmarkEngine.Native
                ? OurBenchmark.Attention(parse.GetValue(length), parse.GetValue(kind), parse.GetValue(runs), parse.GetValue(batch))
                : LibTorchBenchmark.Attention(parse.GetValue(length), parse.GetValue(kind), parse.GetValue(formulation), parse.GetValue(runs), parse.GetValue(batch));
            Console.WriteLine(FormattableString.Invariant($"{ms} {mb}"));
            return 0;
        });

        return [compare, child, BusyNeighbour.CreateCommand()];
    }

    /// <remarks>A stop signal is honoured between measurements; compare.json is written only by a complete run.</remarks>
    private static int Run(CompareSettings settings, CancellationToken cancellationToken)
    {
        OurBenchmark.UseThreads(settings.Threads);
        if (settings.LibTorch) LibTorchBenchmark.UseThreads(settings.Threads);   // --no-libtorch runs without TorchSharp's native shim
        var python = settings.PyTorchScript is string script && PyTorchScriptPeer.TorchAvailable() ? new PyTorchScriptPeer(script, settings.Threads) : null;
        Console.WriteLine(python is null
            ? "PyTorch 1.13 script peer: not available (needs /usr/bin/python3 with torch and shared/bench/torch_llama.py)."
            : $"PyTorch 1.13 script peer: {settings.PyTorchScript}");
        Console.WriteLine(settings.LibTorch ? $"LibTorch peer: TorchSharp, LibTorch 2.10 CPU, in this process" : "LibTorch peer: skipped");
        Console.WriteLine($"Groups: {string.Join(", ", CompareGroups.All.Where(settings.Groups.Contains))}.");
        Console.WriteLine($"{settings.Threads} threads, {settings.Rounds} interleaved rounds of {settings.Steps} timed steps, {settings.AttentionRuns} timed attention calls, "
            + $"{settings.DecodeRuns} timed decoding runs, FMA peak: {settings.FmaThreads} threads × {settings.FmaIterations} iterations ({FmaPeak.PathName}).");

        var rows = new CompareRun(settings, python, cancellationToken).Measure();

        Print(rows);
        Directory.CreateDirectory(settings.Output);
        string path = Path.Combine(settings.Output, "compare.json");
        // A degenerate measurement (e.g. a memory growth of 0) is written as "NaN" rather than losing the whole run.
        var json = new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, json));
        Console.WriteLine($"Wrote {path}");
        return 0;
    }

    private static void Print(IReadOnlyList<CompareRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"name",-56} {"ours",12} {"peer",12} {"unit",-14} {"ratio (>1: we are better)",10}");
        foreach (var r in rows)
            Console.WriteLine(FormattableString.Invariant(
                $"{r.Name,-56} {r.Ours,12:0.###} {(r.Peer is double p ? p.ToString("0.###", CultureInfo.InvariantCulture) : "-"),12} {r.Unit,-14} {(r.Ratio is double x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-"),10}"));
    }
}
