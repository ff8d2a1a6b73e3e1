using System.Text.Json;
using Reversal.Training.Serialization;

namespace Reversal.Training.Checkpoints;

/// <summary>
/// Writes <c>trainer_state.json</c> and reads it back fully validated: every field present with its JSON type and in
/// its range, and the fields consistent with one another, so that a resumed run cannot fail later inside
/// <see cref="Trainer.Fit"/> on a value the file made up.
/// </summary>
/// <remarks>
/// Checked on reading: <c>format</c> and <c>version</c>; <c>step</c>, <c>schedule_total_steps</c> ≥ 0; <c>epoch</c>,
/// <c>next_batch</c>, <c>epochs</c>, <c>batch_size</c>, <c>examples</c> 32-bit and ≥ 0; for a checkpoint taken inside
/// <c>Fit</c> (<c>epoch</c> ≥ 1): <c>epochs</c>, <c>batch_size</c>, <c>examples</c> ≥ 1, <c>epoch</c> ≤ <c>epochs</c>,
/// <c>next_batch</c> ≤ the batches of an epoch, <c>schedule_total_steps</c> ≥ <c>step</c>; for one taken outside
/// (<c>epoch</c> 0): <c>next_batch</c> 0; <c>base_learning_rate</c> finite and ≥ 0; <c>objective</c> and
/// <c>optimizer</c> strings; both random states four 64-bit words, not all zero, and a finite or null
/// <c>spare_gaussian</c>; <c>losses</c> finite numbers and <c>objectives</c> strings, as many of each, and no more
/// than <c>step</c>. Unknown fields are ignored. The file is limited to <see cref="MaxFileBytes"/>.
/// </remarks>
internal static class TrainerStateJson
{
    /// <summary>The largest <c>trainer_state.json</c> read (256 MiB: about ten million steps of losses and objective names).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The file's UTF-8 bytes for <paramref name="state"/>.</summary>
    public static byte[] Serialize(TrainerCheckpointState state) => JsonSerializer.SerializeToUtf8Bytes(state, Options);

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="CheckpointFormatException">Any problem listed in the remarks, naming the file and the field.</exception>
    public static TrainerCheckpointState Read(string path)
    {
        using var document = CheckpointJson.ReadObject(path, MaxFileBytes);
        var fields = new CheckpointJsonFields(document.RootElement, path);

        string format = fields.RequiredString("format");
        if (format != TrainingCheckpoint.FormatName)
            throw fields.Fail("format", $"found '{format}'; expected '{TrainingCheckpoint.FormatName}'.");
        long version = fields.RequiredInteger("version", long.MinValue, long.MaxValue);
        if (version != 1) throw fields.Fail("version", $"found version {version}; this library reads version 1.");

        long step = fields.RequiredInteger("step", 0, long.MaxValue);
        int epoch = Int(fields, "epoch"), nextBatch = Int(fields, "next_batch"), epochs = Int(fields, "epochs");
        int batchSize = Int(fields, "batch_size"), examples = Int(fields, "examples");
        long scheduleTotal = fields.RequiredInteger("schedule_total_steps", 0, long.MaxValue);
        double learningRate = fields.RequiredFiniteDouble("base_learning_rate");
        if (learningRate < 0) throw fields.Fail("base_learning_rate", $"must be non-negative, got {learningRate}.");
        string objective = fields.RequiredString("objective");
        string optimizer = fields.RequiredString("optimizer");
        var dataRandom = RandomState(fields, "data_random_epoch_start");
        var objectiveRandom = RandomState(fields, "objective_random");
        var losses = fields.RequiredFiniteDoubleArray("losses");
        var objectives = fields.RequiredStringArray("objectives");

        if (epoch > 0)
        {
            if (epochs < 1) throw fields.Fail("epochs", $"must be at least 1 when epoch is {epoch}, got {epochs}.");
            if (epoch > epochs) throw fields.Fail("epoch", $"{epoch} is past the run's {epochs} epochs.");
            if (batchSize < 1) throw fields.Fail("batch_size", $"must be at least 1 when epoch is {epoch}, got {batchSize}.");
            if (examples < 1) throw fields.Fail("examples", $"must be at least 1 when epoch is {epoch}, got {examples}.");
            long batchesPerEpoch = (examples + (long)batchSize - 1) / batchSize;
            if (nextBatch > batchesPerEpoch)
                throw fields.Fail("next_batch", $"{nextBatch} is past the {batchesPerEpoch} batches of an epoch of {examples} examples in batches of {batchSize}.");
            if (scheduleTotal < step)
                throw fields.Fail("schedule_total_steps", $"{scheduleTotal} is less than the {step} steps already taken.");
        }
        else if (nextBatch != 0)
        {
            throw fields.Fail("next_batch", $"must be 0 for a checkpoint taken outside Fit (epoch 0), got {nextBatch}.");
        }
        if (losses.Count != objectives.Count)
            throw fields.Fail("objectives", $"lists {objectives.Count} steps but 'losses' lists {losses.Count}.");
        if (losses.Count > step)
            throw fields.Fail("losses", $"lists {losses.Count} steps, more than the {step} steps taken.");

        return new TrainerCheckpointState
        {
            Format = format, Version = 1, Step = step, Epoch = epoch, NextBatch = nextBatch, Epochs = epochs,
            BatchSize = batchSize, Examples = examples, ScheduleTotalSteps = scheduleTotal, BaseLearningRate = learningRate,
            Objective = objective, Optimizer = optimizer, DataRandomAtEpochStart = dataRandom, ObjectiveRandom = objectiveRandom,
            Losses = losses, Objectives = objectives,
        };
    }

    private static int Int(CheckpointJsonFields fields, string field) => (int)fields.RequiredInteger(field, 0, int.MaxValue);

    private static TrainerCheckpointState.RandomState RandomState(CheckpointJsonFields fields, string field)
    {
        var state = fields.RequiredObject(field);
        var words = state.RequiredUInt64Array("s");
        if (words.Count != 4) throw state.Fail("s", $"must hold the 4 words of a xoshiro256** state, got {words.Count}.");
        if (words.All(word => word == 0)) throw state.Fail("s", "is all zeros, which no generator can reach.");
        return new TrainerCheckpointState.RandomState { Words = [.. words], SpareGaussian = state.OptionalFiniteDouble("spare_gaussian") };
    }
}
