namespace Reversal.Training.Checkpoints;

/// <summary>When and where <see cref="Trainer.Fit"/> writes checkpoints.</summary>
/// <param name="Directory">Folder that receives <c>checkpoint-{step}</c> folders.</param>
/// <param name="EverySteps">Save after every this many optimizer steps.</param>
/// <param name="KeepLast">Keep only the newest this many checkpoints (0 keeps all).</param>
/// <param name="OnFailure">Whether a save that fails ends training or is logged and skipped.</param>
public sealed record CheckpointPolicy(string Directory, int EverySteps, int KeepLast, CheckpointSaveFailure OnFailure = CheckpointSaveFailure.Throw);
