namespace Reversal.Training.Serialization;

/// <summary>
/// Splits tensors into shards the way Hugging Face's <c>split_torch_state_dict_into_shards</c> does: in state-dict
/// order, a shard is closed when the next tensor would take it over the limit, and a tensor larger than the limit on its
/// own gets a shard of its own (emitted immediately, before the shard being filled).
/// </summary>
internal static class ShardPlanner
{
    /// <summary>The shards as lists of names, or a single shard holding everything when <paramref name="maxShardBytes"/> is null.</summary>
    public static List<List<string>> Plan(IReadOnlyList<(string Name, long Bytes)> tensors, long? maxShardBytes)
    {
        if (maxShardBytes is null) return [tensors.Select(t => t.Name).ToList()];
        long max = maxShardBytes.Value;
        var shards = new List<List<string>>();
        var current = new List<string>();
        long currentBytes = 0;
        foreach (var (name, bytes) in tensors)
        {
            if (bytes > max)
            {
                shards.Add([name]);
                continue;
            }
            if (currentBytes + bytes > max && current.Count > 0)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }
            current.Add(name);
            currentBytes += bytes;
        }
        if (current.Count > 0 || shards.Count == 0) shards.Add(current);
        return shards;
    }

    /// <summary>Hugging Face's shard file name: <c>model-00001-of-00003.safetensors</c>.</summary>
    public static string ShardFileName(int index, int count) => $"model-{index + 1:D5}-of-{count:D5}.safetensors";

    /// <summary>True for names <see cref="ShardFileName"/> produces (any index and count).</summary>
    public static bool IsShardFileName(string fileName) =>
        fileName.Length == "model-00001-of-00001.safetensors".Length
        && fileName.StartsWith("model-", StringComparison.Ordinal)
        && fileName.EndsWith(".safetensors", StringComparison.Ordinal)
        && fileName.AsSpan(11, 4).SequenceEqual("-of-")
        && fileName.AsSpan(6, 5).IndexOfAnyExceptInRange('0', '9') < 0
        && fileName.AsSpan(15, 5).IndexOfAnyExceptInRange('0', '9') < 0;
}
