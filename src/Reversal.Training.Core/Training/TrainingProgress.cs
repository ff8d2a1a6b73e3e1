namespace Reversal.Training;

/// <summary>Reported through <see cref="IProgress{T}"/> after every optimizer step.</summary>
/// <param name="Step">Optimizer steps completed (1-based).</param>
/// <param name="TotalSteps">Steps the run will take (0 when unknown, e.g. for single <c>TrainStep</c> calls).</param>
/// <param name="Epoch">Current epoch (1-based; 0 outside <c>Fit</c>).</param>
/// <param name="Loss">The step's loss (token-weighted mean over its micro-batches).</param>
/// <param name="LearningRate">Learning rate used by the step.</param>
/// <param name="GradientNorm">Global gradient norm before clipping.</param>
/// <param name="TokensPerSecond">Throughput of the run so far (B·T positions per second).</param>
/// <param name="Objective">Name of the objective (member) that prepared the step's batch.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, double Loss, double LearningRate,
    double GradientNorm, double TokensPerSecond, string Objective);
