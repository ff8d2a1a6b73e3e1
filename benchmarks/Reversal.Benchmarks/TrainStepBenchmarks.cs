using BenchmarkDotNet.Attributes;
using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks;

/// <summary>One full training step (prepare, forward, loss, backward, AdamW) at the peer's Tiny and Small shapes.</summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    private TrainStepWorkload _workload = null!;

    /// <summary>Model preset.</summary>
    [Params(TrainStepWorkload.Preset.Tiny, TrainStepWorkload.Preset.Small)]
    public TrainStepWorkload.Preset Preset { get; set; }

    /// <summary>Objective: ntp, bico (denoising every step) or bico-mix (50/50).</summary>
    [Params("ntp", "bico", "bico-mix")]
    public string Objective { get; set; } = "ntp";

    /// <summary>Builds the workload and warms it up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _workload = new TrainStepWorkload(Preset, Objective);
        _workload.Step();
    }

    /// <summary>One optimizer step.</summary>
    [Benchmark]
    public double Step() => _workload.Step();
}
