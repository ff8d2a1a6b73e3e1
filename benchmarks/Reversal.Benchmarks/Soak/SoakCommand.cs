using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Samples.Common;
using Reversal.Training.IO;

namespace Reversal.Benchmarks.Soak;

/// <summary>
/// <c>soak [--minutes 20] [--checkpoint-every 200] [--threads 2] --out DIR</c>: the <see cref="SoakRun"/> long run,
/// printed minute by minute and written to <c>DIR/soak.json</c> and <c>DIR/soak.md</c> with the first and last
/// minutes compared (memory growth and step-time drift). A stop signal ends the run at a step boundary and still
/// writes the minutes sampled so far.
/// </summary>
public static class SoakCommand
{
    /// <summary>The <c>soak</c> command (bad values are refused by option name).</summary>
    /// <param name="stopExitCode">The exit code of the stop signal received (130, 143), or null when none arrived.</param>
    public static Command Create(Func<int?> stopExitCode)
    {
        var minutes = new Option<int>("--minutes") { Description = "Minutes to train.", DefaultValueFactory = _ => 20 }.AtLeast(2);
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Optimizer steps between checkpoints.", DefaultValueFactory = _ => 200 }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "Compute threads.", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
        var output = new Option<string>("--out") { Description = "Folder that receives soak.json, soak.md and the run's checkpoints.", DefaultValueFactory = _ => "soak-results" };
        var command = new Command("soak", "Trains the Small preset for a long time with checkpoints, sampling step time and memory every minute.")
        {
            minutes, checkpointEvery, threads, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            string checkpoints = Path.Combine(folder, "checkpoints");
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true); // a soak run always starts fresh
            Compare.OurBenchmark.UseThreads(parse.GetValue(threads));
            int every = parse.GetValue(checkpointEvery);
            Console.WriteLine($"{"minute",6} {"steps",8} {"step ms",9} {"managed MB",11} {"pooled MB",10} {"resident MB",12} {"checkpoints",12}");
            var samples = SoakRun.Run(parse.GetValue(minutes), every, checkpoints, sample => Console.WriteLine(FormattableString.Invariant(
                $"{sample.Minute,6} {sample.Steps,8} {sample.StepMilliseconds,9:F1} {sample.ManagedMegabytes,11:F1} {sample.PooledMegabytes,10:F1} {sample.ResidentMegabytes,12:F1} {sample.Checkpoints,12}")),
                cancellationToken);
            AtomicFile.WriteAllText(Path.Combine(folder, "soak.json"), JsonSerializer.Serialize(samples, new JsonSerializerOptions { WriteIndented = true }));
            AtomicFile.WriteAllText(Path.Combine(folder, "soak.md"), Markdown(samples, every));
            Console.WriteLine(Markdown(samples, every));
            Console.WriteLine($"Wrote {Path.Combine(folder, "soak.json")} and {Path.Combine(folder, "soak.md")}");
            return Task.FromResult(cancellationToken.IsCancellationRequested ? stopExitCode() ?? 130 : 0);
        });
        return command;
    }

    /// <summary>The summary: minutes, steps, and memory and step time of the second minute (after warm-up) against the last.</summary>
    private static string Markdown(IReadOnlyList<SoakSample> samples, int checkpointEvery)
    {
        var text = new StringBuilder();
        if (samples.Count < 2) return "Fewer than two minutes were sampled: nothing to compare.\n";
        SoakSample first = samples[1], last = samples[^1];
        string Row(string name, double start, double end, string format) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {start.ToString(format, CultureInfo.InvariantCulture)} | {end.ToString(format, CultureInfo.InvariantCulture)} | {(end / start - 1) * 100:+0.0;-0.0}% |\n");
        text.Append(CultureInfo.InvariantCulture, $"Small preset, BICO mix, batch 16 × 128 tokens, {last.Minute} minutes, {last.Steps:N0} steps, a checkpoint every {checkpointEvery} steps ({last.Checkpoints} written).\n\n");
        text.Append(CultureInfo.InvariantCulture, $"| measure | minute {first.Minute} | minute {last.Minute} | change |\n|---|---:|---:|---:|\n");
        text.Append(Row("step time (ms)", first.StepMilliseconds, last.StepMilliseconds, "0.0"));
        text.Append(Row("resident set (MB)", first.ResidentMegabytes, last.ResidentMegabytes, "0.0"));
        text.Append(Row("managed heap (MB)", first.ManagedMegabytes, last.ManagedMegabytes, "0.0"));
        text.Append(Row("pooled tensor memory (MB)", Math.Max(first.PooledMegabytes, 1e-9), last.PooledMegabytes, "0.0"));
        return text.ToString();
    }
}
