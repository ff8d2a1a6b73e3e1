namespace Reversal.Training;

/// <summary>One value of the evaluation hook (<see cref="TrainerBuilder.WithEvaluation"/>).</summary>
/// <param name="Step">The optimizer step after which it was measured.</param>
/// <param name="Value">The metric's value.</param>
public sealed record EvaluationRecord(long Step, double Value);
