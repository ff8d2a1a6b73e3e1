namespace Reversal.Training.Data.Jsonl;

/// <summary>
/// One training or evaluation example: the model is given <see cref="Prompt"/> and should produce
/// <see cref="Completion"/>. In the reversal-curse data, completions start with a space.
/// </summary>
/// <param name="Prompt">The text the model is conditioned on.</param>
/// <param name="Completion">The text the model should continue with.</param>
public sealed record PromptCompletion(string Prompt, string Completion)
{
    /// <summary>The text the model is conditioned on (never null).</summary>
    public string Prompt { get; init; } = Prompt ?? throw new ArgumentNullException(nameof(Prompt));

    /// <summary>The text the model should continue with (never null).</summary>
    public string Completion { get; init; } = Completion ?? throw new ArgumentNullException(nameof(Completion));
}
