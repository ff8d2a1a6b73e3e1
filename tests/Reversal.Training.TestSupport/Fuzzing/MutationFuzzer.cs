using System.Diagnostics;
using System.Globalization;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// A seeded, bounded mutation fuzzer: from a target's valid seeds it derives a fixed number of inputs (a
/// <see cref="FuzzPlan"/>: first the systematic ones, every JSON value at every extreme, then random stacks of one to
/// three mutations) and loads each on a worker thread watched for hangs, recording the outcome, the bytes allocated
/// and the time taken. The same seed gives the same inputs in the same order.
/// </summary>
public static class MutationFuzzer
{
    /// <summary>Fuzzes <paramref name="target"/>; the report says what happened to every input.</summary>
    public static FuzzReport Run(FuzzTarget target, FuzzOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        options ??= new FuzzOptions();
        var plan = new FuzzPlan(target, options);
        var report = new FuzzReport(target.Name, target.Memory);
        var gate = new Lock();
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;

        void Record(int index, string mutation, byte[] input, LoadOutcome outcome)
        {
            long read = input.Length + target.OtherBytes;
            bool expected = outcome.Exception is null || target.IsExpected(outcome.Exception);
            report.Record(read, outcome, expected);
            if (!expected)
                report.Add(Failure(options, target, index, "untyped", mutation, Describe(outcome.Exception!), input));
            long bound = target.Memory.For(read);
            if (outcome.AllocatedBytes > bound)
            {
                report.RecordOverMemory();
                report.Add(Failure(options, target, index, "memory", mutation,
                    string.Create(CultureInfo.InvariantCulture, $"allocated {outcome.AllocatedBytes:N0} B for {read:N0} B read; bound {bound:N0} B"), input));
            }
        }

        int from = 0;
        while (from < plan.Count && report.Hangs < 3)
        {
            var worker = new FuzzWorker(plan, from, target.Load, Record, gate, target.Name);
            from = plan.Count;
            while (!worker.Join(TimeSpan.FromMilliseconds(50)))
            {
                if (worker.Current is not (int index, TimeSpan elapsed) || elapsed <= options.Timeout || !worker.TryAbandon(index)) continue;
                var (mutation, input) = plan[index];
                lock (gate)
                {
                    report.RecordHang();
                    report.Add(Failure(options, target, index, "hang", mutation, $"still loading after {elapsed.TotalSeconds:0.#} s", input));
                }
                from = index + 1; // the abandoned (background) thread is left to finish or not; its outcomes are dropped
                break;
            }
        }
        lock (gate)
        {
            report.Duration = clock.Elapsed;
            report.ProcessorTime = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            return report;
        }
    }

    private static string Describe(Exception exception)
    {
        string frame = exception.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
        string message = exception.Message.Length > 300 ? exception.Message[..300] + "…" : exception.Message;
        return $"{exception.GetType().FullName}: {message} {frame}";
    }

    private static FuzzFailure Failure(FuzzOptions options, FuzzTarget target, int index, string kind, string mutation, string detail, byte[] input)
    {
        string? saved = null;
        if (options.ArtifactDirectory is { } root)
        {
            string folder = Path.Combine(root, string.Concat(target.Name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '_')));
            Directory.CreateDirectory(folder);
            saved = Path.Combine(folder, $"{index:D5}-{kind}.bin");
            File.WriteAllBytes(saved, input);
            File.WriteAllText(Path.ChangeExtension(saved, ".txt"), $"{mutation}\n{detail}\n");
        }
        return new FuzzFailure(index, kind, mutation, detail, saved);
    }
}
