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

    /// <summary>
    /// The largest index read, in bytes: the bound the reference puts on a SafeTensors header, which lists the same
    /// tensors (an index entry takes about 80 bytes, so this allows over a million tensors).
    /// </summary>
    public const long MaxFileBytes = SafeTensorsHeader.MaxHeaderBytes;

    /// <summary>Reads and validates an index file (shape of the JSON and the shard file names; not the shards themselves).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="CheckpointFormatException">The file is longer than <see cref="MaxFileBytes"/>, is not strict JSON,
    /// or misses / mistypes a field; the message names it.</exception>
    public static SafeTensorsIndex Read(string path)
    {
        using var document = CheckpointJson.ReadObject(path, MaxFileBytes);
        var root = new CheckpointJsonFields(document.RootElement, path);

        long? totalSize = null;
        if (root.TryGetObject("metadata", out var metadata))
            totalSize = metadata.OptionalInteger("total_size", 0, long.MaxValue);

        var map = root.RequiredObject("weight_map");
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.Element.EnumerateObject())
        {
            // The entry's own value: a lookup by name would make a large index quadratic.
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw map.Fail(entry.Name, $"must be a shard file name, got a JSON {StrictJson.Describe(entry.Value.ValueKind)}.");
            string file = entry.Value.GetString()!;
            if (!IsPlainFileName(file))
                throw map.Fail(entry.Name, $"'{file}' is not a plain file name in the checkpoint folder.");
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
