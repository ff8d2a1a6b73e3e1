using Reversal.Training.Models;

namespace Reversal.Training.Serialization;

/// <summary>
/// Hugging Face <c>LlamaForCausalLM</c> checkpoint folders, for every engine: <c>config.json</c> plus
/// <c>model.safetensors</c>, or shards <c>model-0000i-of-0000N.safetensors</c> with <c>model.safetensors.index.json</c>.
/// Tensor names are Hugging Face's state-dict names; <c>lm_head.weight</c> is omitted when the embeddings are tied, as
/// Hugging Face does. Engines convert <see cref="TensorData"/> to and from their own tensors.
/// </summary>
/// <remarks>
/// <para><b>Saving</b> stages every file (see <see cref="CheckpointStaging"/>): a failure while producing the files
/// leaves the previous checkpoint untouched and no partial file behind; <c>config.json</c> is committed last, after
/// the previous one was removed, so a process killed during the brief commit leaves a folder without
/// <c>config.json</c> (not loadable, never a mix of two models). Other files in the folder (tokenizer, training
/// state) are never touched.</para>
/// <para><b>Loading</b> validates <c>config.json</c> (see <see cref="LlamaConfigJson"/>), reads the weights (single
/// file preferred over an index when both exist, as transformers does; shard index checked), widens F16/BF16 to
/// float32, drops the non-persistent <c>*.rotary_emb.inv_freq</c> buffers older transformers versions saved, and
/// accepts a redundant <c>lm_head.weight</c> in a tied checkpoint only when it equals the embedding.</para>
/// </remarks>
public static class HuggingFaceCheckpoint
{
    /// <summary>The output head's name.</summary>
    public const string HeadName = "lm_head.weight";

    /// <summary>The token embedding's name.</summary>
    public const string EmbeddingName = "model.embed_tokens.weight";

    private const string RotaryBufferSuffix = ".rotary_emb.inv_freq";

    /// <summary>
    /// The parameter names of a model with <paramref name="config"/>, in the order of transformers'
    /// <c>LlamaForCausalLM.state_dict()</c> (embedding; per layer <c>self_attn</c> q, k, v, o, then <c>mlp</c> gate, up,
    /// down, then the two norms; final norm; head unless tied). This order decides how shards are filled, so a sharded
    /// save splits exactly where Hugging Face's <c>save_pretrained</c> would.
    /// </summary>
    public static IReadOnlyList<string> ParameterNames(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var names = new List<string>(3 + 9 * config.NumHiddenLayers) { EmbeddingName };
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            names.AddRange([
                p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight", p + "self_attn.o_proj.weight",
                p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight", p + "mlp.down_proj.weight",
                p + "input_layernorm.weight", p + "post_attention_layernorm.weight",
            ]);
        }
        names.Add("model.norm.weight");
        if (!config.TieWordEmbeddings) names.Add(HeadName);
        return names;
    }

    /// <summary>
    /// The shape of every parameter of a model with <paramref name="config"/>, by name (Linear weights are
    /// <c>[out, in]</c>, as PyTorch stores them).
    /// </summary>
    public static IReadOnlyDictionary<string, int[]> ParameterShapes(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int d = config.HiddenSize, f = config.IntermediateSize, kv = config.KeyValueHeads * config.HeadDim;
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal) { [EmbeddingName] = [config.VocabSize, d] };
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            shapes[p + "self_attn.q_proj.weight"] = [d, d];
            shapes[p + "self_attn.k_proj.weight"] = [kv, d];
            shapes[p + "self_attn.v_proj.weight"] = [kv, d];
            shapes[p + "self_attn.o_proj.weight"] = [d, d];
            shapes[p + "mlp.gate_proj.weight"] = [f, d];
            shapes[p + "mlp.up_proj.weight"] = [f, d];
            shapes[p + "mlp.down_proj.weight"] = [d, f];
            shapes[p + "input_layernorm.weight"] = [d];
            shapes[p + "post_attention_layernorm.weight"] = [d];
        }
        shapes["model.norm.weight"] = [d];
        if (!config.TieWordEmbeddings) shapes[HeadName] = [config.VocabSize, d];
        return shapes;
    }

    /// <summary>Writes <paramref name="config"/> and <paramref name="weights"/> as a checkpoint in <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">The checkpoint folder; an existing checkpoint there is replaced only once the new one is fully written.</param>
    /// <param name="config">Written as <c>config.json</c>.</param>
    /// <param name="weights">The weights by Hugging Face name (any order; written in <see cref="ParameterNames"/> order).</param>
    /// <param name="options">Dtype and sharding; defaults to a single float32 file.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="IOException">Writing failed (the previous checkpoint, if any, is intact unless the final renames failed).</exception>
    /// <exception cref="UnauthorizedAccessException">A file to replace is read-only or the folder is not writable (nothing is changed).</exception>
    public static void Save(string directory, LlamaConfig config, IEnumerable<KeyValuePair<string, TensorData>> weights, SaveOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        using var staging = CheckpointStaging.Begin(directory);
        Stage(staging, config, weights, options);
        staging.Commit(SafeTensorsCheckpoint.IsWeightsFileName);
    }

    /// <summary>Stages the weights and then <c>config.json</c> (the file that marks the model complete) into <paramref name="staging"/>.</summary>
    internal static void Stage(CheckpointStaging staging, LlamaConfig config, IEnumerable<KeyValuePair<string, TensorData>> weights, SaveOptions? options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new SaveOptions();
        options.Validate();
        string configJson = LlamaConfigJson.Serialize(config, options.Dtype);
        SafeTensorsCheckpoint.Stage(staging, InHuggingFaceOrder(config, weights), options);
        staging.StageFile(LlamaConfigJson.FileName, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(configJson)), options.StreamInterceptor);
    }

    private static List<KeyValuePair<string, TensorData>> InHuggingFaceOrder(LlamaConfig config, IEnumerable<KeyValuePair<string, TensorData>> weights)
    {
        var names = ParameterNames(config);
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) rank[names[i]] = i;
        return weights
            .Select((pair, index) => (Pair: pair, Rank: rank.GetValueOrDefault(pair.Key, names.Count + index)))
            .OrderBy(x => x.Rank)
            .Select(x => x.Pair)
            .ToList();
    }

    /// <summary>Reads the checkpoint in <paramref name="directory"/>: its validated config and its float32 weights by name.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>config.json</c>.</exception>
    /// <exception cref="CheckpointFormatException"><c>config.json</c> or the shard index is invalid or unsupported, there are no
    /// weights, or a tied checkpoint's <c>lm_head.weight</c> differs from the embedding; the message names the file and field.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights file is malformed.</exception>
    /// <exception cref="NotSupportedException">A tensor's dtype is not F32, F16 or BF16.</exception>
    public static (LlamaConfig Config, Dictionary<string, TensorData> Weights) Read(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"Checkpoint folder '{directory}' does not exist.");
        string configPath = Path.Combine(full, LlamaConfigJson.FileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"Checkpoint folder '{directory}' has no {LlamaConfigJson.FileName}.", configPath);
        var config = LlamaConfigJson.Read(configPath);

        var weights = SafeTensorsCheckpoint.Load(full);
        foreach (string name in weights.Keys.Where(name => name.EndsWith(RotaryBufferSuffix, StringComparison.Ordinal)).ToList())
            weights.Remove(name);
        if (config.TieWordEmbeddings && weights.TryGetValue(HeadName, out var head) && weights.TryGetValue(EmbeddingName, out var embedding))
        {
            if (!head.SameShape(embedding) || !head.Values.AsSpan().SequenceEqual(embedding.Values))
                throw new CheckpointFormatException(full, HeadName,
                    $"config.json sets tie_word_embeddings, but the checkpoint's {HeadName} differs from {EmbeddingName}.");
            weights.Remove(HeadName);
        }
        return (config, weights);
    }

    /// <summary>
    /// Checks <paramref name="weights"/> against the parameters a model expects, by name and shape, and that every value
    /// is finite: the shared strict rule of every engine's weight import.
    /// </summary>
    /// <exception cref="StateDictMismatchException">Every missing, unexpected, mis-shaped or non-finite tensor, named.</exception>
    public static void CheckWeights(IReadOnlyDictionary<string, TensorData> weights, IEnumerable<ParameterInfo> expected, string owner)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(expected);
        var problems = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in expected)
        {
            known.Add(parameter.Name);
            if (!weights.TryGetValue(parameter.Name, out var source) || source is null)
                problems.Add($"missing tensor '{parameter.Name}' (expected shape {TensorData.FormatShape(parameter.Shape)})");
            else if (!source.Shape.SequenceEqual(parameter.Shape))
                problems.Add($"tensor '{parameter.Name}' has shape {TensorData.FormatShape(source.Shape)}, expected {TensorData.FormatShape(parameter.Shape)}");
            else if (source.FirstNonFinite() is (int index, float value))
                problems.Add($"tensor '{parameter.Name}' holds {value} at element {index}");
        }
        foreach (var name in weights.Keys)
            if (!known.Contains(name)) problems.Add($"unexpected tensor '{name}'");
        if (problems.Count > 0)
            throw new StateDictMismatchException($"State dict does not match {owner}: {string.Join("; ", problems)}.", problems);
    }
}
