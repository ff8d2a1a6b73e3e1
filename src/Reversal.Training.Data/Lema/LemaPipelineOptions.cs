namespace Reversal.Training.Data.Lema;

/// <summary>Settings of <see cref="LemaPipeline"/>.</summary>
public sealed record LemaPipelineOptions
{
    /// <summary>Problems handed to the reasoner per call (default 64): a batching reasoner samples them together,
    /// and output files grow by this many problems at a time.</summary>
    public int ProblemsPerReasonerCall { get; init; } = 64;

    /// <summary>Longer replies are dropped as <see cref="DropReason.TooLong"/> (default 16,384 characters).</summary>
    public int MaxReplyCharacters { get; init; } = 16_384;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is below 1.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ProblemsPerReasonerCall, 1, nameof(ProblemsPerReasonerCall));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReplyCharacters, 1, nameof(MaxReplyCharacters));
    }
}
