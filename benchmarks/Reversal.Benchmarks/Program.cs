using System.CommandLine;
using BenchmarkDotNet.Running;
using Reversal.Benchmarks.Evaluation;
using Reversal.Benchmarks.Soak;
using Reversal.Samples.Common;
using Reversal.Benchmarks.Compare;

namespace Reversal.Benchmarks;

/// <summary>
/// Entry point.
/// <list type="bullet">
/// <item><c>dotnet run -c Release --project benchmarks/Reversal.Benchmarks -- --filter *Attention* --job short</c>:
/// BenchmarkDotNet (GEMM, attention and long-context attention on both engines, train step, decoding on both engines,
/// the FMA peak).</item>
/// <item><c>... -- compare --out DIR [--rows GROUPS]</c>: this library against LibTorch 2.10 (TorchSharp, same process)
/// and the PyTorch 1.13 script in one run: ratios on the console and in <c>DIR/compare.json</c>. <c>compare --help</c>
/// lists the options and the groups.</item>
/// <item><c>... -- eval-speed [--rows N] [--repeat R]</c>: reversal-curse evaluation of the Berglund test splits one row
/// at a time vs batched, with the ratio.</item>
/// <item><c>... -- soak --minutes 20 --out DIR</c>: a long Small-preset run with checkpoints, memory and step time
/// sampled every minute.</item>
/// </list>
/// </summary>
public static class Program
{
    /// <summary>Dispatches to the commands (compare with its hidden attention child and busy process, eval-speed, soak) or to BenchmarkDotNet.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("Reversal.Training benchmarks: compare, eval-speed and soak; any other arguments go to BenchmarkDotNet.");
        foreach (var command in CompareCommand.Create()) root.Subcommands.Add(command);
        root.Subcommands.Add(EvaluationSpeedCommand.Create());
        StopSignals? signals = null;
        root.Subcommands.Add(SoakCommand.Create(() => signals?.ExitCode));
        if (args.Length == 0 || !root.Subcommands.Any(c => c.Name == args[0]))
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
            return 0;
        }
        // Only the commands listen for stop signals: BenchmarkDotNet keeps the runtime's own Ctrl+C handling.
        using var listening = signals = new StopSignals();
        int code;
        try
        {
            code = CommandLineHost.InvokeAsync(root, args, signals).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            code = 1;
        }
        // System.CommandLine turns an action's OperationCanceledException into exit code 1 without a word; a command that
        // stops on its own (soak writes what it measured) returns the signal's code itself.
        if (code == 1 && signals.ExitCode is int stopped)
        {
            Console.Error.WriteLine("Stopped before the measurement finished: nothing was written. Run the command again to measure.");
            return stopped;
        }
        return code;
    }
}
