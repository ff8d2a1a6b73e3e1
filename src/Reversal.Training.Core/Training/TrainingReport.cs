namespace Reversal.Training;

/// <summary>What a <see cref="Trainer.Fit"/> run did.</summary>
/// <param name="Losses">Loss of every optimizer step, in order (a resumed run includes the steps before the checkpoint).</param>
/// <param name="Objectives">Objective (member) name of every step, in order.</param>
/// <param name="EpochsCompleted">Whole epochs finished.</param>
/// <param name="Tokens">B·T positions processed by this call.</param>
/// <param name="Elapsed">Wall-clock time of this call.</param>
/// <param name="Evaluations">Values of the evaluation hook, in order (empty without one).</param>
/// <param name="StoppedEarly">True when the evaluation hook's patience ran out before the last epoch.</param>
/// <param name="FailedCheckpointSaves">Periodic checkpoints that could not be written and were skipped (only with <see cref="Checkpoints.CheckpointSaveFailure.LogAndContinue"/>).</param>
public sealed record TrainingReport(IReadOnlyList<double> Losses, IReadOnlyList<string> Objectives, int EpochsCompleted,
    long Tokens, TimeSpan Elapsed, IReadOnlyList<EvaluationRecord> Evaluations, bool StoppedEarly, int FailedCheckpointSaves = 0)
{
    /// <summary>Scalars the run updated (the trainable parameters'); 0 when not recorded.</summary>
    public long TrainableParameters { get; init; }

    /// <summary>Scalars of every parameter of the model, frozen or not; 0 when not recorded.</summary>
    public long TotalParameters { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public int Steps => Losses.Count;

    /// <summary>Throughput in B·T positions per second.</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? Tokens / Elapsed.TotalSeconds : 0;

    /// <summary>Loss of the last step (NaN when no step ran).</summary>
    public double FinalLoss => Losses.Count > 0 ? Losses[^1] : double.NaN;
}
