using System.Globalization;
using System.Text.Json;
using Reversal.Core.IO;
using Reversal.Core.Serialization;
using Reversal.Core.Tensors;

namespace Reversal.Core.Training.Checkpoints;

/// <summary>
/// Training checkpoints: one folder per saved step, <c>checkpoint-{step:D8}</c>, holding the model as a Hugging Face
/// checkpoint (<c>config.json</c> + <c>model.safetensors</c>, float32 so resuming is exact), the optimizer state
/// (<c>optimizer.safetensors</c>) and <c>trainer_state.json</c> (step, epoch position, schedule, random generators,
/// losses so far).
/// </summary>
/// <remarks>
/// A checkpoint is written completely into a hidden staging folder next to its final place and then renamed into place
/// in one atomic step, so a process killed at any moment leaves either the complete new checkpoint or none of it: the
/// previous checkpoints stay loadable. Leftover staging folders are ignored by <see cref="FindLatest"/> and deleted by
/// the next save.
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>The <c>format</c> value of <c>trainer_state.json</c>.</summary>
    public const string FormatName = "reversal-training-checkpoint";

    /// <summary>Trainer state file name.</summary>
    public const string StateFileName = "trainer_state.json";

    /// <summary>Optimizer state file name.</summary>
    public const string OptimizerFileName = "optimizer.safetensors";

    private const string Prefix = "checkpoint-";
    private const string StagingPrefix = ".staging-checkpoint-";

    /// <summary>Test seam: runs after every file is staged and before the folder is renamed into place.</summary>
    internal static Action<string>? BeforeCommit { get; set; }

    /// <summary>The folder name of the checkpoint of <paramref name="step"/>.</summary>
    public static string FolderName(long step) => Prefix + step.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>The newest complete checkpoint folder under <paramref name="root"/>, or null when there is none.</summary>
    public static string? FindLatest(string root) => List(root).LastOrDefault().Path;

    /// <summary>Complete checkpoint folders under <paramref name="root"/>, oldest first.</summary>
    public static IReadOnlyList<(long Step, string Path)> List(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (!Directory.Exists(root)) return [];
        var found = new List<(long, string)>();
        foreach (string dir in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            string name = System.IO.Path.GetFileName(dir);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long step)
                && File.Exists(System.IO.Path.Combine(dir, StateFileName)))
                found.Add((step, dir));
        }
        return found.OrderBy(f => f.Item1).ToList();
    }

    /// <summary>Writes a checkpoint of <paramref name="trainer"/> under <paramref name="root"/>; returns its folder.</summary>
    internal static string Save(string root, Trainer trainer, TrainerCheckpointState state, int keepLast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Directory.CreateDirectory(root);
        foreach (string leftover in Directory.EnumerateDirectories(root, StagingPrefix + "*")) CheckpointStaging.TryDeleteDirectory(leftover);
        string staging = System.IO.Path.Combine(root, StagingPrefix + Guid.NewGuid().ToString("N"));
        string final = System.IO.Path.Combine(root, FolderName(state.Step));
        try
        {
            Directory.CreateDirectory(staging);
            trainer.Model.Save(staging);
            var names = trainer.Model.NamedParameters().Select(p => p.Key).ToArray();
            var optimizerState = trainer.Optimizer.ExportState(names)
                .ToDictionary(kv => kv.Key, kv => Tensor.FromArray(kv.Value, kv.Value.Length), StringComparer.Ordinal);
            SafeTensorsWriter.Write(System.IO.Path.Combine(staging, OptimizerFileName), optimizerState);
            AtomicFile.WriteAllText(System.IO.Path.Combine(staging, StateFileName), JsonSerializer.Serialize(state, JsonOptions));
            BeforeCommit?.Invoke(staging);
            if (Directory.Exists(final))
            {
                string old = staging + "-replaced";
                Directory.Move(final, old);
                Directory.Move(staging, final);
                CheckpointStaging.TryDeleteDirectory(old);
            }
            else
            {
                Directory.Move(staging, final);
            }
        }
        catch
        {
            CheckpointStaging.TryDeleteDirectory(staging);
            throw;
        }
        Prune(root, keepLast);
        return final;
    }

    /// <summary>Restores model weights and optimizer state from <paramref name="directory"/> into <paramref name="trainer"/>; returns the trainer state.</summary>
    /// <exception cref="CheckpointFormatException">A file is missing or malformed, or the checkpoint was made for another model or optimizer.</exception>
    internal static TrainerCheckpointState Load(string directory, Trainer trainer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string statePath = System.IO.Path.Combine(directory, StateFileName);
        if (!File.Exists(statePath)) throw new CheckpointFormatException(statePath, null, $"the file is missing: '{directory}' is not a training checkpoint.");
        TrainerCheckpointState state;
        try
        {
            state = JsonSerializer.Deserialize<TrainerCheckpointState>(File.ReadAllText(statePath), JsonOptions)
                ?? throw new CheckpointFormatException(statePath, null, "the file is empty.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(statePath, null, $"not valid trainer state JSON ({e.Message}).");
        }
        if (state.Format != FormatName || state.Version != 1)
            throw new CheckpointFormatException(statePath, "format", $"found '{state.Format}' version {state.Version}; expected '{FormatName}' version 1.");
        if (state.Optimizer != trainer.Optimizer.GetType().Name)
            throw new CheckpointFormatException(statePath, "optimizer", $"written for {state.Optimizer}, but the trainer uses {trainer.Optimizer.GetType().Name}.");

        var weights = SafeTensorsCheckpoint.Load(directory);
        trainer.Model.LoadStateDict(weights);
        string optimizerPath = System.IO.Path.Combine(directory, OptimizerFileName);
        if (!File.Exists(optimizerPath)) throw new CheckpointFormatException(optimizerPath, null, "the file is missing.");
        using var file = SafeTensorsFile.Open(optimizerPath);
        var buffers = file.ReadAll().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        var names = trainer.Model.NamedParameters().Select(p => p.Key).ToArray();
        try
        {
            trainer.Optimizer.ImportState(names, buffers, state.Step);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(optimizerPath, null, e.Message);
        }
        return state;
    }

    private static void Prune(string root, int keepLast)
    {
        if (keepLast <= 0) return;
        var all = List(root);
        for (int i = 0; i < all.Count - keepLast; i++) Discard(root, all[i].Path);
    }

    /// <summary>
    /// Removes a checkpoint folder so that no kill can leave it half-deleted yet listed: it is first renamed (atomically)
    /// to a hidden staging name that <see cref="List"/> ignores and the next save cleans up, then deleted.
    /// </summary>
    private static void Discard(string root, string directory)
    {
        string doomed = System.IO.Path.Combine(root, StagingPrefix + "discard-" + Guid.NewGuid().ToString("N"));
        try { Directory.Move(directory, doomed); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        CheckpointStaging.TryDeleteDirectory(doomed);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
