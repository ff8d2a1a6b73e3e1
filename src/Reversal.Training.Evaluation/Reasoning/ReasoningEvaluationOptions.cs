using Reversal.Training.Data.Lema;

namespace Reversal.Training.Evaluation.Reasoning;

/// <summary>Settings of <see cref="ReasoningEvaluator"/>.</summary>
public sealed record ReasoningEvaluationOptions
{
    /// <summary>Most tokens per answer (default 256).</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Problems decoded together by a model of this library (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The prompt for a question (default <see cref="LemaPrompts.CotInput"/>, LEMA's CoT prompt).</summary>
    public Func<string, string> Prompt { get; init; } = LemaPrompts.CotInput;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentNullException">The prompt function is null.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNewTokens, 1, nameof(MaxNewTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentNullException.ThrowIfNull(Prompt, nameof(Prompt));
    }
}
