namespace Reversal.Training.Checkpoints;

/// <summary>What <see cref="Trainer.Fit"/> does when a periodic checkpoint cannot be written (a full disk, a folder that became read-only).</summary>
/// <remarks>Either way the failed save leaves nothing behind: earlier checkpoints stay complete and loadable, and no staging files remain.</remarks>
public enum CheckpointSaveFailure
{
    /// <summary>The save's exception (e.g. <see cref="Serialization.InsufficientDiskSpaceException"/>) ends <c>Fit</c>; the trainer keeps its in-memory state, so the caller may save elsewhere.</summary>
    Throw,

    /// <summary>The failure is logged as a warning and counted in <see cref="TrainingReport.FailedCheckpointSaves"/>; training goes on and the next save is tried as planned.</summary>
    LogAndContinue,
}
