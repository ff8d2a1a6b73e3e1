namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>How long a fuzz run is and where it leaves failing inputs.</summary>
public sealed record FuzzOptions
{
    /// <summary>Inputs tried (the issue asks for at least 10,000 per parser).</summary>
    public int Inputs { get; init; } = 10_000;

    /// <summary>The run's seed: the same seed tries the same inputs in the same order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The largest share of <see cref="Inputs"/> given to the systematic pass (the rest are random mutations).</summary>
    public double SystematicShare { get; init; } = 0.4;

    /// <summary>
    /// An input still loading after this long (wall clock) counts as a hang. The slowest inputs take milliseconds of
    /// processor time, but on a starved machine (test projects in parallel on 2 cores, a training run beside them) a
    /// first input that also JIT-compiles the loader was measured at 2.5 s of wall time: 10 s keeps a real hang (which
    /// never ends) apart from a busy machine.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Folder receiving failing inputs (created on the first failure); null keeps none.</summary>
    public string? ArtifactDirectory { get; init; }
}
