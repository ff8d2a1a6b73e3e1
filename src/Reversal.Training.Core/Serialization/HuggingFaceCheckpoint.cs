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
        return EnumerateParameters(config).Select(parameter => parameter.Name).ToList();
    }

    /// <summary>
    /// The shape of every parameter of a model with <paramref name="config"/>, by name (Linear weights are
    /// <c>[out, in]</c>, as PyTorch stores them).
    /// </summary>
    public static IReadOnlyDictionary<string, int[]> ParameterShapes(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return EnumerateParameters(config).ToDictionary(parameter => parameter.Name, parameter => parameter.Shape, StringComparer.Ordinal);
    }

    /// <summary>How many parameter tensors a model with <paramref name="config"/> has: 2 + 9 per layer, plus the head unless tied.</summary>
    public static long ParameterCount(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return 2 + 9L * config.NumHiddenLayers + (config.TieWordEmbeddings ? 0 : 1);
    }

    /// <summary>Every parameter's name and shape in state-dict order, produced lazily (a caller may stop early).</summary>
    private static IEnumerable<(string Name, int[] Shape)> EnumerateParameters(LlamaConfig config)
    {
        int d = config.HiddenSize, f = config.IntermediateSize, kv = config.KeyValueHeads * config.HeadDim;
        yield return (EmbeddingName, [config.VocabSize, d]);
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            yield return (p + "self_attn.q_proj.weight", [d, d]);
            yield return (p + "self_attn.k_proj.weight", [kv, d]);
            yield return (p + "self_attn.v_proj.weight", [kv, d]);
            yield return (p + "self_attn.o_proj.weight", [d, d]);
            yield return (p + "mlp.gate_proj.weight", [f, d]);
            yield return (p + "mlp.up_proj.weight", [f, d]);
            yield return (p + "mlp.down_proj.weight", [d, f]);
            yield return (p + "input_layernorm.weight", [d]);
            yield return (p + "post_attention_layernorm.weight", [d]);
        }
        yield return ("model.norm.weight", [d]);
        if (!config.TieWordEmbeddings) yield return (HeadName, [config.VocabSize, d]);
    }

    /// <summary>Writes <paramref name="config"/> and <paramref name="weights"/> as a checkpoint in <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">The checkpoint folder; an existing checkpoint there is replaced only once the new one is fully written.</param>
    /// <param name="config">Written as <c>config.json</c>.</param>
    /// <param name="weights">The weights by Hugging Face name (any order; written in <see cref="ParameterNames"/> order).</param>
    /// <param name="options">Dtype and sharding; defaults to a single float32 file.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="InsufficientDiskSpaceException">The volume has too little free space, found up front or when the disk filled (nothing is changed).</exception>
    /// <exception cref="IOException">Writing failed (the previous checkpoint, if any, is intact unless the final renames failed).</exception>
    /// <exception cref="UnauthorizedAccessException">A file to replace is read-only or the folder is not writable (nothing is changed).</exception>
    public static void Save(string directory, LlamaConfig config, IEnumerable<KeyValuePair<string, TensorData>> weights, SaveOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(weights);
        var list = weights as IReadOnlyCollection<KeyValuePair<string, TensorData>> ?? weights.ToList();
        using var staging = CheckpointStaging.Begin(directory, SafeTensorsCheckpoint.EstimateBytes(list, (options ?? new SaveOptions()).Dtype));
        Stage(staging, config, list, options);
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
    /// <remarks>
    /// <para>Validate, then allocate: <c>config.json</c> is read and checked first; then the weight files' headers (and
    /// the shard index) are read and checked against the file lengths; then every tensor's name, dtype and shape is
    /// compared with what <paramref name="directory"/>'s config describes (<see cref="ParameterShapes"/>). Only when all
    /// of it agrees is any tensor data read, so no number in <c>config.json</c> can make a load allocate more than the
    /// weight files hold.</para>
    /// <para>Memory: the float32 weights returned (4 bytes per parameter: the data bytes of F32 files, twice those of
    /// F16/BF16 files), plus at most about twelve bytes per byte of <c>config.json</c>, index and SafeTensors headers
    /// while they are parsed. The files are memory-mapped, not copied.</para>
    /// </remarks>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>config.json</c>.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    /// <exception cref="CheckpointFormatException"><c>config.json</c> or the shard index is invalid or unsupported, there are no
    /// weights, or a tied checkpoint's <c>lm_head.weight</c> differs from the embedding; the message names the file and field.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights file is malformed.</exception>
    /// <exception cref="StateDictMismatchException">The weights' headers do not match <c>config.json</c>: tensors missing,
    /// unexpected, mis-shaped or of a dtype other than F32, F16 and BF16 (named, the first <see cref="MaxListedProblems"/>).</exception>
    public static (LlamaConfig Config, Dictionary<string, TensorData> Weights) Read(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"Checkpoint folder '{directory}' does not exist.");
        string configPath = Path.Combine(full, LlamaConfigJson.FileName);
        if (!File.Exists(configPath))
            throw new FileNotFoundException($"Checkpoint folder '{directory}' has no {LlamaConfigJson.FileName}.", configPath);
        var config = LlamaConfigJson.Read(configPath);

        using var files = SafeTensorsCheckpoint.Open(full);
        CheckHeaders(config, files.Tensors, full);
        var weights = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (string name in files.Tensors.Keys)
            if (!name.EndsWith(RotaryBufferSuffix, StringComparison.Ordinal)) weights[name] = files.Read(name);
        if (config.TieWordEmbeddings && weights.TryGetValue(HeadName, out var head))
        {
            if (!head.Values.AsSpan().SequenceEqual(weights[EmbeddingName].Values))
                throw new CheckpointFormatException(full, HeadName,
                    $"config.json sets tie_word_embeddings, but the checkpoint's {HeadName} differs from {EmbeddingName}.");
            weights.Remove(HeadName);
        }
        return (config, weights);
    }

    /// <summary>How many problems a <see cref="StateDictMismatchException"/> from <see cref="Read"/> lists by name.</summary>
    public const int MaxListedProblems = 20;

    /// <summary>
    /// Compares the tensors the weight files declare with those <paramref name="config"/> describes, before any data is
    /// read. The work is bounded by the number of tensors the files declare, however many layers the config claims.
    /// </summary>
    private static void CheckHeaders(LlamaConfig config, IReadOnlyDictionary<string, SafeTensorInfo> stored, string folder)
    {
        var problems = new List<string>();
        bool redundantHead = config.TieWordEmbeddings && stored.ContainsKey(HeadName);
        int storedCount = stored.Keys.Count(name => !name.EndsWith(RotaryBufferSuffix, StringComparison.Ordinal)) - (redundantHead ? 1 : 0);
        long expectedCount = ParameterCount(config);
        if (expectedCount > storedCount)
        {
            // Too many to enumerate safely: say how many, and name the first missing tensors; the walk stops after
            // visiting at most storedCount present names plus MaxListedProblems missing ones.
            problems.Add($"config.json describes {expectedCount} tensors ({config.NumHiddenLayers} layers) but the weights hold {storedCount}");
            foreach (var (name, shape) in EnumerateParameters(config))
            {
                if (problems.Count == MaxListedProblems) break;
                if (!stored.ContainsKey(name)) problems.Add($"missing tensor '{name}' (expected shape {TensorData.FormatShape(shape)})");
            }
        }
        else
        {
            var expected = ParameterShapes(config);
            foreach (var (name, shape) in expected)
            {
                if (!stored.TryGetValue(name, out var info))
                    problems.Add($"missing tensor '{name}' (expected shape {TensorData.FormatShape(shape)})");
                else
                    CheckEntry(info, shape, problems);
            }
            foreach (var (name, info) in stored)
            {
                if (name.EndsWith(RotaryBufferSuffix, StringComparison.Ordinal) || expected.ContainsKey(name)) continue;
                if (redundantHead && name == HeadName) CheckEntry(info, expected[EmbeddingName], problems);
                else problems.Add($"unexpected tensor '{name}'");
            }
        }
        if (problems.Count > 0)
        {
            string listed = string.Join("; ", problems.Take(MaxListedProblems));
            string more = problems.Count > MaxListedProblems ? $"; and {problems.Count - MaxListedProblems} more" : "";
            throw new StateDictMismatchException($"Checkpoint '{folder}' does not match its config.json: {listed}{more}.", problems);
        }
    }

    private static void CheckEntry(SafeTensorInfo info, int[] shape, List<string> problems)
    {
        if (!info.Shape.SequenceEqual(shape.Select(d => (long)d)))
            problems.Add($"tensor '{info.Name}' has shape [{string.Join(", ", info.Shape)}], expected {TensorData.FormatShape(shape)}");
        else if (!info.Dtype.IsFloatingTensorType())
            problems.Add($"tensor '{info.Name}' has dtype {info.Dtype.GetHeaderName()}; weights must be F32, F16 or BF16");
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
