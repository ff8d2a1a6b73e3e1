using BenchmarkDotNet.Running;

namespace Reversal.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Reversal.Benchmarks -- [BenchmarkDotNet args]</c>,
/// e.g. <c>--filter *Attention* --job short</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the BenchmarkDotNet switcher over every benchmark class of this assembly.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
