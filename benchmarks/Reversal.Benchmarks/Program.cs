using BenchmarkDotNet.Running;
using Reversal.Benchmarks.Compare;

namespace Reversal.Benchmarks;

/// <summary>
/// Entry point.
/// <list type="bullet">
/// <item><c>dotnet run -c Release --project benchmarks/Reversal.Benchmarks -- --filter *Attention* --job short</c>:
/// BenchmarkDotNet (GEMM, attention on both engines, train step).</item>
/// <item><c>... -- compare --out DIR</c>: this library against LibTorch 2.10 (TorchSharp, same process) and the
/// PyTorch 1.13 script in one run: ratios on the console and in <c>DIR/compare.json</c>. <c>compare --help</c> lists
/// the options.</item>
/// <item><c>... -- eval-speed [--rows N] [--repeat R]</c>: reversal-curse evaluation of the Berglund test splits one row
/// at a time vs batched, with the ratio.</item>
/// </list>
/// </summary>
public static class Program
{
    /// <summary>Dispatches to the compare command (and its attention child process) or to BenchmarkDotNet.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && CompareCommand.Handles(args[0])) return CompareCommand.Invoke(args);
        if (args.Length > 0 && args[0] == "eval-speed") return Evaluation.EvaluationSpeedCommand.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
