using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.FineTuning;

/// <summary>
/// A LoRA adapter folder in Hugging Face PEFT's layout: <c>adapter_config.json</c> (<see cref="PeftAdapterConfigJson"/>)
/// and <c>adapter_model.safetensors</c> with PEFT's tensor names (<see cref="LoraLayout"/>), so that adapters trained
/// here load in PEFT (<c>PeftModel.from_pretrained(base, folder)</c>) and PEFT's load here.
/// </summary>
public static class PeftAdapter
{
    /// <summary>The weights file name.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>True when <paramref name="directory"/> holds an adapter config.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, PeftAdapterConfigJson.FileName));

    /// <summary>
    /// Writes <paramref name="model"/>'s adapter to <paramref name="directory"/> (created if needed), float32. The files
    /// are staged and flushed first, <c>adapter_config.json</c> committed last, so an interrupted save leaves any previous
    /// adapter there intact or the folder without a config.
    /// </summary>
    /// <exception cref="IOException">Writing failed.</exception>
    /// <exception cref="UnauthorizedAccessException">A file to replace is read-only or the folder is not writable.</exception>
    public static void Save(string directory, ILoraModel model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(model);
        var tensors = model.ExportAdapter();
        using var staging = CheckpointStaging.Begin(directory, SafeTensorsCheckpoint.EstimateBytes(tensors, SafeTensorsDtype.Float32));
        Stage(staging, model, tensors);
        staging.Commit(_ => false);
    }

    /// <summary>Stages <paramref name="tensors"/> (the model's <see cref="ILoraModel.ExportAdapter"/>), then the config.</summary>
    internal static void Stage(CheckpointStaging staging, ILoraModel model, IReadOnlyList<KeyValuePair<string, TensorData>> tensors, Func<string, Stream, Stream>? interceptor = null)
    {
        var byName = tensors.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        string json = PeftAdapterConfigJson.Serialize(model.Lora);
        staging.StageFile(WeightsFileName, stream => SafeTensorsWriter.Write(stream, byName), interceptor);
        staging.StageFile(PeftAdapterConfigJson.FileName, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json)), interceptor);
    }

    /// <summary>
    /// Reads the adapter in <paramref name="directory"/> for a base model of <paramref name="baseModel"/>'s shape:
    /// the config is validated, resolved on the model (every target module present), and the weights file's header is
    /// checked against the expected tensors (names, shapes, floating dtypes) before any tensor is read; then every value
    /// must be finite.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="CheckpointFormatException">The config is invalid, names a module the model lacks, or a tensor is
    /// missing, unexpected, mis-shaped (name and both shapes are given), of a non-float dtype or not finite.</exception>
    /// <exception cref="SafeTensorsFormatException">The weights file is malformed.</exception>
    public static (LoraConfig Config, Dictionary<string, TensorData> Tensors) Read(string directory, LlamaConfig baseModel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(baseModel);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Adapter folder '{directory}' does not exist.");
        string configPath = Path.Combine(directory, PeftAdapterConfigJson.FileName);
        var config = PeftAdapterConfigJson.Read(configPath);
        LoraLayout layout;
        try
        {
            layout = LoraLayout.Resolve(baseModel, config);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(configPath, e.ParamName == nameof(LoraConfig.ModulesToSave) ? "modules_to_save" : "target_modules", e.Message);
        }
        string weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"Adapter weights '{weightsPath}' do not exist.", weightsPath);
        using var file = SafeTensorsFile.Open(weightsPath);
        var expected = layout.PeftTensors();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            names.Add(name);
            if (!file.Contains(name)) throw new CheckpointFormatException(weightsPath, name, $"the tensor is missing (expected shape {TensorData.FormatShape(shape)}).");
            var info = file.GetInfo(name);
            if (!info.Shape.SequenceEqual(shape.Select(d => (long)d)))
                throw new CheckpointFormatException(weightsPath, name, $"has shape [{string.Join(", ", info.Shape)}]; the base model and r = {config.Rank} need {TensorData.FormatShape(shape)}.");
            if (!info.Dtype.IsFloatingTensorType())
                throw new CheckpointFormatException(weightsPath, name, $"has dtype {info.Dtype.GetHeaderName()}; adapter tensors must be F32, F16 or BF16.");
        }
        foreach (string name in file.Names)
            if (!names.Contains(name))
                throw new CheckpointFormatException(weightsPath, name, "the tensor does not belong to this adapter (not an adapted projection's lora_A/lora_B nor a module to save).");
        var tensors = file.ReadAll();
        foreach (var (name, tensor) in tensors)
            if (tensor.FirstNonFinite() is (int index, float value))
                throw new CheckpointFormatException(weightsPath, name, $"holds {value} at element {index}.");
        return (config, tensors);
    }
}
