using System.Globalization;
using Reversal.Training.Serialization;

namespace Reversal.Training.Checkpoints;

/// <summary>
/// Training checkpoints: one folder per saved step, <c>checkpoint-{step:D8}</c>, holding the model as a Hugging Face
/// checkpoint (<c>config.json</c> + <c>model.safetensors</c>, float32 so resuming is exact), the optimizer state
/// (<c>optimizer.safetensors</c>) and <c>trainer_state.json</c> (step, epoch position, schedule, random generators,
/// losses so far).
/// </summary>
/// <remarks>
/// A checkpoint is written through the same <see cref="CheckpointStaging"/> as a model folder: every file is staged
/// and flushed first, and <c>trainer_state.json</c>, the file that makes a folder a checkpoint, is committed last. A
/// process killed at any moment therefore leaves either the complete new checkpoint or a folder that
/// <see cref="List"/> ignores; the previous checkpoints stay loadable. Incomplete folders and staging leftovers are
/// deleted by the next save.
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
    private const string DiscardPrefix = ".discarded-checkpoint-";

    /// <summary>Test seam: runs after every file is staged and before they are committed.</summary>
    internal static Action<string>? BeforeCommit { get; set; }

    /// <summary>Test seam: wraps the stream of every staged file (fault injection).</summary>
    internal static Func<string, Stream, Stream>? StreamInterceptor { get; set; }

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
    /// <remarks>
    /// A save exports the weights and the optimizer moments (about three times the model in float32) into arrays that
    /// are large-object garbage as soon as it returns. The runtime collects those only when its own large-object budget
    /// runs out, which in a long run with a big pooled working set can take many saves: the soak benchmark measured the
    /// resident set growing by one checkpoint's size per save. A background collection of the oldest generation after
    /// each save (checkpoints are minutes apart) keeps a long run's memory flat.
    /// </remarks>
    internal static string Save(string root, Trainer trainer, TrainerCheckpointState state, int keepLast)
    {
        string saved = Write(root, trainer, state, keepLast);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
        return saved;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Write(string root, Trainer trainer, TrainerCheckpointState state, int keepLast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Directory.CreateDirectory(root);
        RemoveDebris(root);
        string final = System.IO.Path.Combine(root, FolderName(state.Step));
        // float32 always, so resuming is exact.
        var weights = trainer.Model.ExportWeights().ToList();
        var optimizerState = trainer.Session.ExportOptimizerState();
        var adapter = (trainer.Model as FineTuning.ILoraModel)?.ExportAdapter();
        long expected = SafeTensorsCheckpoint.EstimateBytes(weights, SafeTensorsDtype.Float32)
                        + SafeTensorsCheckpoint.EstimateBytes(optimizerState, SafeTensorsDtype.Float32) + 64L * state.Losses.Count
                        + (adapter is null ? 0 : SafeTensorsCheckpoint.EstimateBytes(adapter, SafeTensorsDtype.Float32));
        using (var staging = CheckpointStaging.Begin(final, expected))
        {
            HuggingFaceCheckpoint.Stage(staging, trainer.Model.Config, weights, new SaveOptions { StreamInterceptor = StreamInterceptor });
            if (adapter is not null) FineTuning.PeftAdapter.Stage(staging, (FineTuning.ILoraModel)trainer.Model, adapter, StreamInterceptor);
            staging.StageFile(OptimizerFileName, stream => SafeTensorsWriter.Write(stream, optimizerState), StreamInterceptor);
            staging.StageFile(StateFileName, stream => stream.Write(TrainerStateJson.Serialize(state)), StreamInterceptor);
            BeforeCommit?.Invoke(staging.StagingDirectory);
            staging.Commit(_ => true);
        }
        Prune(root, keepLast);
        return final;
    }

    /// <summary>
    /// Deletes what killed saves and prunes left: <c>checkpoint-*</c> folders without <c>trainer_state.json</c>
    /// (incomplete, never listed) and folders being discarded.
    /// </summary>
    private static void RemoveDebris(string root)
    {
        foreach (string dir in Directory.EnumerateDirectories(root))
        {
            string name = System.IO.Path.GetFileName(dir);
            bool discarded = name.StartsWith(DiscardPrefix, StringComparison.Ordinal);
            bool incomplete = name.StartsWith(Prefix, StringComparison.Ordinal) && !File.Exists(System.IO.Path.Combine(dir, StateFileName));
            if (discarded || incomplete) CheckpointStaging.TryDeleteDirectory(dir);
        }
    }

    /// <summary>
    /// Restores model weights and optimizer state from <paramref name="directory"/> into <paramref name="trainer"/>;
    /// returns the trainer state. Everything is read and validated before anything is changed: <c>trainer_state.json</c>
    /// (see <see cref="TrainerStateJson"/>), the model checkpoint (config against the weights' headers, then the weights),
    /// and <c>optimizer.safetensors</c> (header against the trainable parameters, then every value). Only then are the
    /// weights and the moments imported, so a refused checkpoint leaves the trainer as it was.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A file is missing or malformed, or the checkpoint was made for another model or optimizer.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights or optimizer file is not valid SafeTensors.</exception>
    /// <exception cref="Models.StateDictMismatchException">The weights do not fit the checkpoint's config or the trainer's model.</exception>
    internal static TrainerCheckpointState Load(string directory, Trainer trainer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string statePath = System.IO.Path.Combine(directory, StateFileName);
        if (!File.Exists(statePath)) throw new CheckpointFormatException(statePath, null, $"the file is missing: '{directory}' is not a training checkpoint.");
        var state = TrainerStateJson.Read(statePath);
        if (state.Optimizer != trainer.Session.OptimizerName)
            throw new CheckpointFormatException(statePath, "optimizer", $"written for {state.Optimizer}, but the trainer uses {trainer.Session.OptimizerName}.");

        var (_, weights) = HuggingFaceCheckpoint.Read(directory);
        var adapter = ReadAdapter(directory, trainer.Model);
        string optimizerPath = System.IO.Path.Combine(directory, OptimizerFileName);
        if (!File.Exists(optimizerPath)) throw new CheckpointFormatException(optimizerPath, null, "the file is missing.");
        var moments = OptimizerStateFile.Read(optimizerPath, trainer.Model.Parameters.Where(parameter => parameter.Trainable).ToList());

        trainer.Model.ImportWeights(weights); // all or nothing
        if (adapter is not null) ((FineTuning.ILoraModel)trainer.Model).ImportAdapter(adapter);
        try
        {
            trainer.Session.ImportOptimizerState(moments, state.Step);
        }
        catch (ArgumentException e)
        {
            // Reached only if an engine's session keeps a different set of buffers than the model's trainable parameters.
            throw new CheckpointFormatException(optimizerPath, null, e.Message);
        }
        return state;
    }

    /// <summary>
    /// The adapter of a LoRA run's checkpoint (PEFT files beside the model), validated against the trainer's LoRA model;
    /// null for a model without adapters, which refuses a checkpoint that has them.
    /// </summary>
    private static Dictionary<string, TensorData>? ReadAdapter(string directory, Models.ITrainableLanguageModel model)
    {
        string configPath = System.IO.Path.Combine(directory, FineTuning.PeftAdapterConfigJson.FileName);
        if (model is not FineTuning.ILoraModel lora)
        {
            if (File.Exists(configPath))
                throw new CheckpointFormatException(configPath, null, "the checkpoint was written by a LoRA run, but the trainer's model has no adapters; apply the same LoRA config first.");
            return null;
        }
        if (!File.Exists(configPath))
            throw new CheckpointFormatException(configPath, null, "the file is missing: the trainer's model has LoRA adapters, but the checkpoint has none.");
        var (config, tensors) = FineTuning.PeftAdapter.Read(directory, model.Config);
        if (!config.Equals(lora.Lora))
            throw new CheckpointFormatException(configPath, null, $"the adapter (r = {config.Rank}, alpha = {config.Alpha}, targets {string.Join(",", config.TargetModules)}) differs from the model's (r = {lora.Lora.Rank}, alpha = {lora.Lora.Alpha}, targets {string.Join(",", lora.Lora.TargetModules)}).");
        return tensors;
    }

    private static void Prune(string root, int keepLast)
    {
        if (keepLast <= 0) return;
        var all = List(root);
        for (int i = 0; i < all.Count - keepLast; i++) Discard(root, all[i].Path);
    }

    /// <summary>
    /// Removes a checkpoint folder so that no kill can leave it half-deleted yet listed: it is first renamed (atomically)
    /// to a hidden name that <see cref="List"/> ignores and the next save cleans up, then deleted.
    /// </summary>
    private static void Discard(string root, string directory)
    {
        string doomed = System.IO.Path.Combine(root, DiscardPrefix + Guid.NewGuid().ToString("N"));
        try { Directory.Move(directory, doomed); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        CheckpointStaging.TryDeleteDirectory(doomed);
    }
}
