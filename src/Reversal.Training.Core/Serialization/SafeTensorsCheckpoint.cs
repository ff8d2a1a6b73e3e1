
namespace Reversal.Training.Serialization;

/// <summary>
/// The weights of a Hugging Face style checkpoint folder: one <c>model.safetensors</c>, or shards
/// <c>model-0000i-of-0000N.safetensors</c> listed by <c>model.safetensors.index.json</c>.
/// </summary>
internal static class SafeTensorsCheckpoint
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The metadata Hugging Face's <c>save_pretrained</c> puts in every weights file (transformers checks it).</summary>
    public static readonly IReadOnlyDictionary<string, string> HuggingFaceMetadata =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };

    /// <summary>True for the weight files a save writes or replaces (single file, shards, index).</summary>
    public static bool IsWeightsFileName(string fileName) =>
        fileName == SingleFileName || fileName == SafeTensorsIndex.FileName || ShardPlanner.IsShardFileName(fileName);

    /// <summary>
    /// Bytes a save of <paramref name="state"/> writes, rounded up for headers, the index and config.json (a bound for
    /// the free-space check, not an exact size).
    /// </summary>
    public static long EstimateBytes(IEnumerable<KeyValuePair<string, TensorData>> state, SafeTensorsDtype dtype) =>
        state.Sum(pair => SafeTensorsWriter.DataBytes(pair.Value, dtype) + 256) + 64 * 1024;

    /// <summary>
    /// Stages the weights: <paramref name="state"/> in order (the order shards are filled), as one file or shards plus
    /// the index.
    /// </summary>
    public static void Stage(CheckpointStaging staging, IReadOnlyList<KeyValuePair<string, TensorData>> state, SaveOptions options)
    {
        var sizes = state.Select(pair => (pair.Key, SafeTensorsWriter.DataBytes(pair.Value, options.Dtype))).ToList();
        var shards = ShardPlanner.Plan(sizes, options.MaxShardBytes);
        var byName = state.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        if (shards.Count == 1)
        {
            StageFile(staging, SingleFileName, byName, options);
            return;
        }
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string file = ShardPlanner.ShardFileName(i, shards.Count);
            var shard = shards[i].ToDictionary(name => name, name => byName[name], StringComparer.Ordinal);
            StageFile(staging, file, shard, options);
            foreach (string name in shards[i]) weightMap[name] = file;
        }
        long total = sizes.Sum(size => size.Item2);
        string json = SafeTensorsIndex.ToJson(total, weightMap);
        staging.StageFile(SafeTensorsIndex.FileName, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json)), options.StreamInterceptor);
    }

    private static void StageFile(CheckpointStaging staging, string file, IReadOnlyDictionary<string, TensorData> tensors, SaveOptions options) =>
        staging.StageFile(file, stream => SafeTensorsWriter.Write(stream, tensors, options.Dtype, HuggingFaceMetadata), options.StreamInterceptor);

    /// <summary>
    /// Opens the weight files of the checkpoint in <paramref name="directory"/> and validates their headers; no tensor
    /// data is read. <c>model.safetensors</c> wins when both it and an index exist (Hugging Face's precedence). A
    /// sharded checkpoint is cross-checked: every shard the index names exists, every tensor of every shard is listed
    /// for that shard, and every listed tensor is found exactly once.
    /// </summary>
    /// <exception cref="CheckpointFormatException">No weights, or an inconsistent index; the message names the file and tensor.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights file is malformed.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public static CheckpointWeightFiles Open(string directory)
    {
        string single = Path.Combine(directory, SingleFileName);
        if (File.Exists(single))
        {
            var file = SafeTensorsFile.Open(single);
            return new CheckpointWeightFiles([file], file.Tensors.ToDictionary(info => info.Name, _ => file, StringComparer.Ordinal));
        }
        string indexPath = Path.Combine(directory, SafeTensorsIndex.FileName);
        if (!File.Exists(indexPath))
            throw new CheckpointFormatException(directory, null, $"the folder has neither {SingleFileName} nor {SafeTensorsIndex.FileName}.");

        var index = SafeTensorsIndex.Read(indexPath);
        foreach (var (name, shard) in index.WeightMap)
            if (!File.Exists(Path.Combine(directory, shard)))
                throw new CheckpointFormatException(indexPath, $"weight_map.{name}", $"shard file '{shard}' does not exist in '{directory}'.");

        var files = new List<SafeTensorsFile>();
        var fileOf = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (string shard in index.Files)
            {
                var file = SafeTensorsFile.Open(Path.Combine(directory, shard));
                files.Add(file);
                foreach (var info in file.Tensors)
                {
                    if (fileOf.TryGetValue(info.Name, out var other))
                        throw new CheckpointFormatException(indexPath, info.Name, $"the tensor is stored in both '{Path.GetFileName(other.FilePath)}' and '{shard}'.");
                    if (!index.WeightMap.TryGetValue(info.Name, out string? listed))
                        throw new CheckpointFormatException(indexPath, info.Name, $"shard '{shard}' holds this tensor but the index does not list it.");
                    if (listed != shard)
                        throw new CheckpointFormatException(indexPath, info.Name, $"the index maps the tensor to '{listed}' but it is stored in '{shard}'.");
                    fileOf[info.Name] = file;
                }
            }
            foreach (var (name, shard) in index.WeightMap)
                if (!fileOf.ContainsKey(name))
                    throw new CheckpointFormatException(indexPath, name, $"the index maps the tensor to '{shard}' but that shard does not contain it.");
            return new CheckpointWeightFiles(files, fileOf);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }
}
