namespace Reversal.Training;

/// <summary>The outcome of one optimizer step.</summary>
/// <param name="Step">Optimizer steps completed (1-based).</param>
/// <param name="Loss">Token-weighted mean loss over the step's micro-batches.</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="Tokens">B·T positions processed.</param>
/// <param name="Objective">Objective (member) name of the last micro-batch.</param>
public sealed record StepResult(long Step, double Loss, double GradientNorm, double LearningRate, long Tokens, string Objective);
