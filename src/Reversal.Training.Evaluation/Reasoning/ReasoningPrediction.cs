namespace Reversal.Training.Evaluation.Reasoning;

/// <summary>One scored answer of a reasoning evaluation.</summary>
/// <param name="Question">The question.</param>
/// <param name="Output">The model's output (empty when the prompt did not fit the model's context).</param>
/// <param name="Predicted">The answer extracted from the output, or null when there is none.</param>
/// <param name="Reference">The reference answer.</param>
/// <param name="Correct">Whether the prediction matches the reference.</param>
public sealed record ReasoningPrediction(string Question, string Output, string? Predicted, string Reference, bool Correct);
