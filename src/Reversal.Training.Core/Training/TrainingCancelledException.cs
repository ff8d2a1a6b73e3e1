namespace Reversal.Training;

/// <summary>
/// Thrown by <see cref="Trainer.Fit"/> when its cancellation token fires: training stopped at a step boundary, after
/// writing a final checkpoint when checkpointing is on. Resume with <c>ResumeFrom(Checkpoint)</c> and the same
/// <c>Fit</c> arguments to continue exactly where it stopped.
/// </summary>
public sealed class TrainingCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public TrainingCancelledException(long step, string? checkpoint, CancellationToken token)
        : base(checkpoint is null
            ? $"Training was cancelled after step {step}; no checkpoint was kept (checkpointing is off)."
            : $"Training was cancelled after step {step}; the run is kept in checkpoint '{checkpoint}'.", token)
    {
        Step = step;
        Checkpoint = checkpoint;
    }

    /// <summary>Optimizer steps completed before the cancellation.</summary>
    public long Step { get; }

    /// <summary>The checkpoint folder that holds the run as it stopped, or null when checkpointing is off.</summary>
    public string? Checkpoint { get; }
}
