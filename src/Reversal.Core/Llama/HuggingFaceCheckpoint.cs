using Reversal.Core.NN;
using Reversal.Core.Serialization;
using Reversal.Core.Tensors;

namespace Reversal.Core.Llama;

/// <summary>
/// Saves and loads <see cref="LlamaModel"/>s as Hugging Face <c>LlamaForCausalLM</c> checkpoint folders:
/// <c>config.json</c> plus <c>model.safetensors</c>, or shards <c>model-0000i-of-0000N.safetensors</c> with
/// <c>model.safetensors.index.json</c>. Tensor names are the model's state-dict names, which are Hugging Face's;
/// <c>lm_head.weight</c> is omitted when the embeddings are tied, as Hugging Face does.
/// </summary>
/// <remarks>
/// <para><b>Crash safety of saving.</b> Every file is first written completely into a hidden staging folder inside
/// the target folder and flushed to disk; only then are the files renamed over the previous ones (weights first,
/// the index next, <c>config.json</c> last; each rename atomic) and stale weight files of the previous checkpoint
/// (e.g. shards of a different count) deleted. A failure while producing the files therefore leaves the previous
/// checkpoint untouched and no partial file behind. A process killed during the brief renaming step can leave
/// a mix of complete old and new files; a killed process's staging folder is ignored by readers and removed by the
/// next save. Other files in the folder (tokenizer, training state) are never touched.</para>
/// <para><b>Loading</b> validates <c>config.json</c> (see <see cref="LlamaConfigJson"/>), reads the weights (single
/// file preferred over an index when both exist, as transformers does; shard index checked), widens F16/BF16 to
/// float32, drops the non-persistent <c>*.rotary_emb.inv_freq</c> buffers older transformers versions saved, accepts a
/// redundant <c>lm_head.weight</c> in a tied checkpoint only when it equals the embedding, and loads the rest through
/// the strict <see cref="Module.LoadStateDict"/>.</para>
/// </remarks>
public static class HuggingFaceCheckpoint
{
    private const string HeadName = "lm_head.weight";
    private const string EmbeddingName = "model.embed_tokens.weight";
    private const string RotaryBufferSuffix = ".rotary_emb.inv_freq";

    /// <summary>Writes <paramref name="model"/> as a checkpoint in <paramref name="directory"/> (created if needed).</summary>
    /// <param name="model">The model to save.</param>
    /// <param name="directory">The checkpoint folder; an existing checkpoint there is replaced only once the new one is fully written.</param>
    /// <param name="options">Dtype and sharding; defaults to a single float32 file.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="IOException">Writing failed (the previous checkpoint, if any, is intact unless the final renames failed).</exception>
    /// <exception cref="UnauthorizedAccessException">A file to replace is read-only or the folder is not writable (nothing is changed).</exception>
    public static void Save(LlamaModel model, string directory, SaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new SaveOptions();
        options.Validate();
        string configJson = LlamaConfigJson.Serialize(model.Config, options.Dtype);
        var state = InHuggingFaceOrder(model);

        using var staging = CheckpointStaging.Begin(directory);
        SafeTensorsCheckpoint.Stage(staging, state, options);
        staging.StageFile(LlamaConfigJson.FileName, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(configJson)), options.StreamInterceptor);
        staging.Commit(SafeTensorsCheckpoint.IsWeightsFileName);
    }

    /// <summary>
    /// The parameters in the order of transformers' <c>LlamaForCausalLM.state_dict()</c> (per layer: <c>self_attn</c>
    /// q, k, v, o, then <c>mlp</c> gate, up, down, then the two norms), which decides how shards are filled; with it a
    /// sharded save splits exactly where Hugging Face's <c>save_pretrained</c> would.
    /// </summary>
    private static List<KeyValuePair<string, Tensor>> InHuggingFaceOrder(LlamaModel model)
    {
        var names = new List<string> { EmbeddingName };
        for (int i = 0; i < model.Config.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            names.AddRange([
                p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight", p + "self_attn.v_proj.weight", p + "self_attn.o_proj.weight",
                p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight", p + "mlp.down_proj.weight",
                p + "input_layernorm.weight", p + "post_attention_layernorm.weight",
            ]);
        }
        names.Add("model.norm.weight");
        names.Add(HeadName);
        var rank = names.Select((name, index) => (name, index)).ToDictionary(x => x.name, x => x.index, StringComparer.Ordinal);
        return model.NamedParameters()
            .Select((pair, index) => (Pair: new KeyValuePair<string, Tensor>(pair.Key, pair.Value), Rank: rank.GetValueOrDefault(pair.Key, names.Count + index)))
            .OrderBy(x => x.Rank)
            .Select(x => x.Pair)
            .ToList();
    }

    /// <summary>Loads the checkpoint in <paramref name="directory"/> into a new model.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>config.json</c>.</exception>
    /// <exception cref="CheckpointFormatException"><c>config.json</c> or the shard index is invalid or unsupported, there are no
    /// weights, or a tied checkpoint's <c>lm_head.weight</c> differs from the embedding; the message names the file and field.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights file is malformed.</exception>
    /// <exception cref="StateDictMismatchException">Tensors are missing, unexpected or mis-shaped; every one is named.</exception>
    /// <exception cref="NotSupportedException">A tensor's dtype is not F32, F16 or BF16.</exception>
    public static LlamaModel Load(string directory)
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
            if (!head.SameShape(embedding) || !head.AsSpan().SequenceEqual(embedding.AsSpan()))
                throw new CheckpointFormatException(full, HeadName,
                    $"config.json sets tie_word_embeddings, but the checkpoint's {HeadName} differs from {EmbeddingName}.");
            weights.Remove(HeadName);
        }

        var model = LlamaModel.Create(config);
        try
        {
            model.LoadStateDict(weights);
        }
        catch (StateDictMismatchException ex)
        {
            throw new StateDictMismatchException($"Checkpoint '{full}' does not match its config.json. {ex.Message}", ex.Problems);
        }
        return model;
    }
}
