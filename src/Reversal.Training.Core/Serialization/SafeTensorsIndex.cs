using System.Text;
using System.Text.Json;

namespace Reversal.Training.Serialization;

/// <summary>
/// The shard index of a sharded checkpoint, <c>model.safetensors.index.json</c>:
/// <c>{"metadata": {"total_size": bytes}, "weight_map": {tensor name: shard file name}}</c>.
/// </summary>
internal sealed class SafeTensorsIndex
{
    /// <summary>The index file name Hugging Face uses.</summary>
    public const string FileName = "model.safetensors.index.json";

    private SafeTensorsIndex(long? totalSize, IReadOnlyDictionary<string, string> weightMap)
    {
        TotalSize = totalSize;
        WeightMap = weightMap;
    }

    /// <summary><c>metadata.total_size</c>: bytes of tensor data over all shards, when present.</summary>
    public long? TotalSize { get; }

    /// <summary>Tensor name → shard file name (a plain file name in the index's folder).</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The distinct shard files, in first-mention order.</summary>
    public IReadOnlyList<string> Files => WeightMap.Values.Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads and validates an index file (shape of the JSON and the shard file names; not the shards themselves).</summary>
    /// <exception cref="CheckpointFormatException">The JSON is invalid or misses / mistypes a field; the message names it.</exception>
    public static SafeTensorsIndex Read(string path)
    {
        using var document = StrictJson.ReadObject(path);
        var root = document.RootElement;

        long? totalSize = null;
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind != JsonValueKind.Null)
        {
            if (metadata.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(path, "metadata", $"must be an object, got a JSON {StrictJson.Describe(metadata.ValueKind)}.");
            if (metadata.TryGetProperty("total_size", out var total) && total.ValueKind != JsonValueKind.Null)
            {
                if (total.ValueKind != JsonValueKind.Number || !total.TryGetInt64(out long size) || size < 0)
                    throw new CheckpointFormatException(path, "metadata.total_size", $"must be a non-negative integer, got {total.GetRawText()}.");
                totalSize = size;
            }
        }

        if (!root.TryGetProperty("weight_map", out var map))
            throw new CheckpointFormatException(path, "weight_map", "missing: the index must map every tensor name to its shard file.");
        if (map.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException(path, "weight_map", $"must be an object mapping tensor names to file names, got a JSON {StrictJson.Describe(map.ValueKind)}.");
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointFormatException(path, $"weight_map.{entry.Name}", $"must be a shard file name, got a JSON {StrictJson.Describe(entry.Value.ValueKind)}.");
            string file = entry.Value.GetString()!;
            if (!IsPlainFileName(file))
                throw new CheckpointFormatException(path, $"weight_map.{entry.Name}", $"'{file}' is not a plain file name in the checkpoint folder.");
            weightMap.Add(entry.Name, file);
        }
        return new SafeTensorsIndex(totalSize, weightMap);
    }

    /// <summary>
    /// The index JSON as Hugging Face writes it (<c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c>).
    /// </summary>
    public static string ToJson(long totalSize, IReadOnlyDictionary<string, string> weightMap)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteNumber("total_size", totalSize);
            writer.WriteEndObject();
            writer.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap.OrderBy(pair => pair.Key, StringComparer.Ordinal)) writer.WriteString(name, file);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static bool IsPlainFileName(string file) =>
        file.Length > 0 && file != "." && file != ".." && file.IndexOfAny(['/', '\\', ':', '\0']) < 0;
}
