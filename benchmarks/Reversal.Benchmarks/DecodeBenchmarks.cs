using BenchmarkDotNet.Attributes;
using Reversal.Benchmarks.Compare;
using Reversal.Benchmarks.Peers;
using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks;

/// <summary>
/// KV-cache greedy decoding (<see cref="DecodeWorkload"/>: 16 prompt tokens, 64 new tokens per row, vocabulary 1000)
/// at batch 1 and 32, Tiny and Small, on our engine and on LibTorch 2.10, 2 threads each: the compare command's decode
/// group. New tokens per second = batch · 64 / mean.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private DecodeWorkload _workload = null!;

    /// <summary>Model architecture.</summary>
    [Params(TrainStepWorkload.Preset.Tiny, TrainStepWorkload.Preset.Small)]
    public TrainStepWorkload.Preset Preset { get; set; }

    /// <summary>Rows decoded together.</summary>
    [Params(1, 32)]
    public int Batch { get; set; } = 1;

    /// <summary>Which engine decodes.</summary>
    [Params(BenchmarkEngine.Native, BenchmarkEngine.LibTorch)]
    public BenchmarkEngine Engine { get; set; }

    /// <summary>Builds the model and the prompts and decodes once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        OurBenchmark.UseThreads(2);
        LibTorchBenchmark.UseThreads(2);
        _workload = new DecodeWorkload(Preset, Batch, Engine);
        _workload.Run();
    }

    /// <summary>Frees the LibTorch model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>Prompt, then 64 greedy tokens per row.</summary>
    [Benchmark]
    public int[][] Decode() => _workload.Run();
}
