using BenchmarkDotNet.Running;
using Reversal.Benchmarks.Compare;

namespace Reversal.Benchmarks;

/// <summary>
/// Entry point.
/// <list type="bullet">
/// <item><c>dotnet run -c Release --project benchmarks/Reversal.Benchmarks -- --filter *Attention* --job short</c>:
/// BenchmarkDotNet (GEMM, attention, train step).</item>
/// <item><c>... -- compare --out DIR</c>: this library against the PyTorch peer in one run, ratios and compare.json.</item>
/// </list>
/// </summary>
public static class Program
{
    /// <summary>Dispatches to compare mode, its attention child process, or BenchmarkDotNet.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare") return CompareCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "attention-memory") return CompareCommand.RunAttentionChild(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
