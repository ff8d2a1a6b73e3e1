using System.Text.Json.Serialization;
using Reversal.Training.Randomness;

namespace Reversal.Training.Checkpoints;

/// <summary>
/// <c>trainer_state.json</c>: where a run stands, so that resuming replays exactly the batches, masks and updates an
/// uninterrupted run would have produced.
/// </summary>
/// <remarks>
/// Read back strictly when a checkpoint is loaded (<see cref="TrainerBuilder.ResumeFrom"/>, <see cref="Trainer.LoadCheckpoint"/>),
/// before anything is restored: every field present with its JSON type; <c>step</c> and <c>schedule_total_steps</c>
/// ≥ 0; the run position (<c>epoch</c>, <c>next_batch</c>, <c>epochs</c>, <c>batch_size</c>, <c>examples</c>) 32-bit,
/// ≥ 0 and consistent (inside <c>Fit</c>: epoch ≤ epochs, next batch within an epoch, schedule total ≥ step; outside:
/// next batch 0); the learning rate finite and ≥ 0; both random states four words, not all zero, with a finite or
/// null spare Gaussian; losses finite, one objective name per loss, no more than <c>step</c> of them. A violation is
/// a <see cref="Serialization.CheckpointFormatException"/> naming the file and the field. Unknown fields are ignored.
/// </remarks>
public sealed record TrainerCheckpointState
{
    /// <summary>Format marker.</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = TrainingCheckpoint.FormatName;

    /// <summary>Format version.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = 1;

    /// <summary>Optimizer steps completed (the global step).</summary>
    [JsonPropertyName("step")] public long Step { get; init; }

    /// <summary>The 1-based epoch in progress (0 when saved outside <c>Fit</c>).</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>Index of the next batch of that epoch.</summary>
    [JsonPropertyName("next_batch")] public int NextBatch { get; init; }

    /// <summary>Epochs of the run being resumed.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; }

    /// <summary>Batch size of the run.</summary>
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; }

    /// <summary>Number of training examples of the run (a resumed run must use the same data).</summary>
    [JsonPropertyName("examples")] public int Examples { get; init; }

    /// <summary>Total steps the learning-rate schedule was built for.</summary>
    [JsonPropertyName("schedule_total_steps")] public long ScheduleTotalSteps { get; init; }

    /// <summary>Base learning rate.</summary>
    [JsonPropertyName("base_learning_rate")] public double BaseLearningRate { get; init; }

    /// <summary>Objective name (checked on resume).</summary>
    [JsonPropertyName("objective")] public string Objective { get; init; } = "";

    /// <summary>Optimizer type (checked on resume).</summary>
    [JsonPropertyName("optimizer")] public string Optimizer { get; init; } = "";

    /// <summary>The data-order generator as it was at the start of <see cref="Epoch"/> (before that epoch's shuffle).</summary>
    [JsonPropertyName("data_random_epoch_start")] public RandomState DataRandomAtEpochStart { get; init; } = new();

    /// <summary>The objective's generator after the last step.</summary>
    [JsonPropertyName("objective_random")] public RandomState ObjectiveRandom { get; init; } = new();

    /// <summary>Losses of every step so far, so a resumed report covers the whole run.</summary>
    [JsonPropertyName("losses")] public List<double> Losses { get; init; } = [];

    /// <summary>Objective name of every step so far.</summary>
    [JsonPropertyName("objectives")] public List<string> Objectives { get; init; } = [];

    /// <summary>JSON form of a <see cref="SeededRandomState"/>.</summary>
    public sealed record RandomState
    {
        /// <summary>State words.</summary>
        [JsonPropertyName("s")] public ulong[] Words { get; init; } = [];

        /// <summary>Cached Gaussian, if any.</summary>
        [JsonPropertyName("spare_gaussian")] public double? SpareGaussian { get; init; }

        /// <summary>From a generator state.</summary>
        public static RandomState From(SeededRandomState state) => new() { Words = [state.S0, state.S1, state.S2, state.S3], SpareGaussian = state.SpareGaussian };

        /// <summary>Back to a generator.</summary>
        /// <exception cref="FormatException">Not four state words.</exception>
        public SeededRandom ToRandom() => Words.Length == 4
            ? SeededRandom.FromState(new SeededRandomState(Words[0], Words[1], Words[2], Words[3], SpareGaussian))
            : throw new FormatException($"A random state needs 4 words, found {Words.Length}.");
    }
}
