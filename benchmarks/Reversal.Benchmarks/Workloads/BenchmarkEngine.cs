namespace Reversal.Benchmarks.Workloads;

/// <summary>Which engine a workload runs on.</summary>
public enum BenchmarkEngine
{
    /// <summary>Reversal.Training's own CPU engine.</summary>
    Native,

    /// <summary>LibTorch 2.10 through TorchSharp (CPU), in the same process.</summary>
    LibTorch,
}
