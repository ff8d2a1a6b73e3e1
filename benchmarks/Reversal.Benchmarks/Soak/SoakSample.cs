using System.Text.Json.Serialization;

namespace Reversal.Benchmarks.Soak;

/// <summary>One minute of a soak run: where training stood and what memory the process held.</summary>
/// <param name="Minute">Minutes since the start (1-based).</param>
/// <param name="Steps">Optimizer steps completed so far.</param>
/// <param name="StepMilliseconds">Mean step time over this minute.</param>
/// <param name="ManagedMegabytes">Managed heap size after the last GC (GC.GetGCMemoryInfo().HeapSizeBytes).</param>
/// <param name="PooledMegabytes">Free buffers held by the engine's tensor pool.</param>
/// <param name="ResidentMegabytes">The process's resident set (VmRSS).</param>
/// <param name="Checkpoints">Checkpoints written so far.</param>
public sealed record SoakSample(
    [property: JsonPropertyName("minute")] int Minute,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("step_ms")] double StepMilliseconds,
    [property: JsonPropertyName("managed_mb")] double ManagedMegabytes,
    [property: JsonPropertyName("pooled_mb")] double PooledMegabytes,
    [property: JsonPropertyName("resident_mb")] double ResidentMegabytes,
    [property: JsonPropertyName("checkpoints")] int Checkpoints);
