using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Reversal.Benchmarks.Workloads;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.IO;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// <c>compare --out DIR [--threads 2] [--steps 10]</c>: measures the PyTorch peer (when <c>/usr/bin/python3</c> has
/// torch) and this library on the same shapes in one run, prints the ratios and writes <c>DIR/compare.json</c>.
/// Attention is measured in a child process of each side so that peak-memory growth is the call's own.
/// </summary>
public static class CompareCommand
{
    /// <summary>Runs the comparison; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string output = Option(args, "--out") ?? "compare-results";
        int threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        int steps = int.Parse(Option(args, "--steps") ?? "10", CultureInfo.InvariantCulture);
        OurBenchmark.UseThreads(threads);

        string? script = Option(args, "--peer") ?? PeerBenchmark.Locate();
        PeerBenchmark? peer = script is not null && PeerBenchmark.TorchAvailable() ? new PeerBenchmark(script, threads) : null;
        Console.WriteLine(peer is null
            ? "Peer: not available (needs /usr/bin/python3 with torch and shared/bench/torch_llama.py); reporting our figures only."
            : $"Peer: {script} with {threads} threads");

        Dictionary<string, double> peerTrain = [], peerGemm = [];
        (double Milliseconds, double PeakMegabytes)? peerAttention = null;
        if (peer is not null)
        {
            Console.WriteLine("Running the peer ...");
            peerTrain = peer.TrainThroughput();
            peerAttention = peer.Attention("bico", 1024);
            peerGemm = peer.Gemm();
        }

        Console.WriteLine("Running ours ...");
        var rows = new List<CompareRow>();
        double tinyNtpSeconds = 0, tinyMixSeconds = 0;
        foreach (var preset in new[] { TrainStepWorkload.Preset.Tiny, TrainStepWorkload.Preset.Small })
        {
            string name = preset.ToString().ToLowerInvariant();
            double ntp = OurBenchmark.TrainStepSeconds(preset, "ntp", steps, out int tokens, out double ntpBytes);
            double bico = OurBenchmark.TrainStepSeconds(preset, "bico", steps, out _, out double bicoBytes);
            // The BICO recipe flips a fair coin per batch: its expected step time is the mean of the two step kinds.
            double mix = (ntp + bico) / 2;
            rows.Add(CompareRow.HigherIsBetter($"train.{name}.ntp", tokens / ntp, Get(peerTrain, $"{name}.causal"), "tok/s"));
            rows.Add(CompareRow.HigherIsBetter($"train.{name}.bico", tokens / mix, Get(peerTrain, $"{name}.bico"), "tok/s"));
            rows.Add(CompareRow.HigherIsBetter($"train.{name}.bico_denoising_only", tokens / bico, Get(peerTrain, $"{name}.bico"), "tok/s"));
            rows.Add(new CompareRow($"allocated_per_step.{name}.ntp", ntpBytes / 1e6, null, "MB", null));
            rows.Add(new CompareRow($"allocated_per_step.{name}.bico", bicoBytes / 1e6, null, "MB", null));
            if (preset == TrainStepWorkload.Preset.Tiny) (tinyNtpSeconds, tinyMixSeconds) = (ntp, mix);
        }
        var ours = AttentionInChildProcess(1024, AttentionKind.Bico, runs: 5);
        rows.Add(CompareRow.LowerIsBetter("attention.t1024.bico.time", ours.Milliseconds, peerAttention?.Milliseconds, "ms"));
        rows.Add(CompareRow.LowerIsBetter("attention.t1024.bico.peak_memory", ours.PeakMegabytes, peerAttention?.PeakMegabytes, "MB"));
        rows.Add(CompareRow.HigherIsBetter("gemm.1024", OurBenchmark.GemmGflops(1024, 1024, 1024), Get(peerGemm, "1024x1024x1024"), "GFLOP/s"));
        rows.Add(new CompareRow("bico_over_ntp.tiny", tinyMixSeconds / tinyNtpSeconds, null, "ratio", null));

        Print(rows);
        Directory.CreateDirectory(output);
        string path = Path.Combine(output, "compare.json");
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {path}");
        return 0;
    }

    /// <summary><c>attention-memory T Kind runs</c>: the child-process half of the attention measurement.</summary>
    public static int RunAttentionChild(string[] args)
    {
        int length = int.Parse(args[0], CultureInfo.InvariantCulture);
        var kind = Enum.Parse<AttentionKind>(args[1]);
        int runs = int.Parse(args[2], CultureInfo.InvariantCulture);
        if (args.Length > 3) OurBenchmark.UseThreads(int.Parse(args[3], CultureInfo.InvariantCulture));
        var (ms, mb) = OurBenchmark.Attention(length, kind, runs);
        Console.WriteLine(FormattableString.Invariant($"{ms} {mb}"));
        return 0;
    }

    private static (double Milliseconds, double PeakMegabytes) AttentionInChildProcess(int length, AttentionKind kind, int runs)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        string self = typeof(CompareCommand).Assembly.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        if (viaDotnet) start.ArgumentList.Add(self);
        foreach (string a in new[] { "attention-memory", length.ToString(CultureInfo.InvariantCulture), kind.ToString(), runs.ToString(CultureInfo.InvariantCulture),
                     Reversal.Training.Engine.Runtime.Compute.MaxThreads.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string line = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"The attention child process failed (exit {process.ExitCode}).");
        var parts = line.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static void Print(IReadOnlyList<CompareRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"name",-36} {"ours",12} {"peer",12} {"unit",-8} {"ratio (>1: we are better)",10}");
        foreach (var r in rows)
            Console.WriteLine(FormattableString.Invariant(
                $"{r.Name,-36} {r.Ours,12:0.###} {(r.Peer is double p ? p.ToString("0.###", CultureInfo.InvariantCulture) : "-"),12} {r.Unit,-8} {(r.Ratio is double x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-"),10}"));
    }

    private static double? Get(Dictionary<string, double> values, string key) => values.TryGetValue(key, out double v) ? v : null;

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
