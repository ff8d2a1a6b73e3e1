namespace Reversal.Training.Evaluation.Lema;

/// <summary>How <see cref="LanguageModelReasoner"/> samples reasoning paths.</summary>
public sealed record ReasonerSamplingOptions
{
    /// <summary>Paths sampled per question, k (default 4).</summary>
    public int PathsPerQuestion { get; init; } = 4;

    /// <summary>Sampling temperature (default 0.8; 0 decodes greedily, so every path of a question is the same).</summary>
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Keep only the top-k tokens when sampling (default 0: all).</summary>
    public int TopK { get; init; }

    /// <summary>Most tokens per path (default 160).</summary>
    public int MaxNewTokens { get; init; } = 160;

    /// <summary>The run's seed: path j of a question is sampled with a seed derived from (seed, question, j).</summary>
    public long Seed { get; init; }

    /// <summary>Rows decoded together (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PathsPerQuestion, 1, nameof(PathsPerQuestion));
        if (!(Temperature >= 0) || float.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be finite and non-negative.");
        ArgumentOutOfRangeException.ThrowIfNegative(TopK, nameof(TopK));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNewTokens, 1, nameof(MaxNewTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
    }
}
