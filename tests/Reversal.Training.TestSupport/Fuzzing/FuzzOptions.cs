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

    /// <summary>An input still loading after this long counts as a hang.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Folder receiving failing inputs (created on the first failure); null keeps none.</summary>
    public string? ArtifactDirectory { get; init; }
}
