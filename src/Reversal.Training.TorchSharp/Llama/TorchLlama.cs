using Reversal.Training.Attention;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Interop;
using Reversal.Training.TorchSharp.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>
/// A Llama-style causal language model as a TorchSharp <c>torch.nn.Module</c>, with Hugging Face
/// <c>LlamaForCausalLM</c> parameter names (<c>model.embed_tokens.weight</c>, <c>model.layers.{i}.self_attn.q_proj.weight</c>,
/// …, <c>lm_head.weight</c> unless tied), grouped-query attention, RMSNorm, SwiGLU and RoPE, on any device.
/// </summary>
/// <remarks>
/// <para>It implements the same <see cref="ITrainableLanguageModel"/> as our engine's <c>LlamaModel</c>: the
/// <c>Trainer</c>, the evaluators, the scorers and the decoders take either. Attention follows each batch's
/// <see cref="AttentionMaskPolicy"/> through <see cref="PolicyAttention"/> (causal batches take LibTorch's fused
/// <c>scaled_dot_product_attention</c>). <see cref="Create"/> with a seed starts from exactly the weights
/// <c>LlamaModel.Create</c> draws with that seed (<see cref="LlamaInitialization"/>), and <see cref="Save"/> /
/// <see cref="Load"/> read and write the same checkpoint folders, so a run moves between engines by path.</para>
/// <para>Nothing assumes the CPU: every tensor is created on <see cref="Device"/> (<c>cpu</c>, <c>cuda</c>,
/// <c>cuda:1</c>, …), and only results handed back through <see cref="ICausalLanguageModel"/> are copied to the host.
/// Parameters are float32.</para>
/// <para>Thread safety: inference calls may run concurrently; training needs the model to itself. LibTorch's thread
/// count (<c>torch.set_num_threads</c>) is process-wide.</para>
/// </remarks>
public sealed class TorchLlama : nn.Module<Tensor, Tensor>, ITrainableLanguageModel, IContinuationScoringModel
{
    private readonly TorchLlamaBackbone _backbone;
    private readonly TorchLinear? _head;
    private readonly TorchRotaryEmbedding _rope;

    private TorchLlama(LlamaConfig config, Device device) : base(nameof(TorchLlama))
    {
        Config = config;
        Device = device;
        _backbone = new TorchLlamaBackbone(config, device);
        register_module("model", _backbone);
        if (!config.TieWordEmbeddings)
        {
            _head = new TorchLinear(config.HiddenSize, config.VocabSize, device);
            register_module("lm_head", _head);
        }
        _rope = new TorchRotaryEmbedding(new RotaryEmbedding(config.HeadDim, config.MaxPositionEmbeddings, config.RopeTheta, config.RopeScaling), device);
    }

    /// <summary>
    /// Creates a model on <paramref name="device"/> (default CPU) with the initial weights of
    /// <see cref="LlamaInitialization"/> for <paramref name="seed"/>: the same weights our engine's
    /// <c>LlamaModel.Create(config, seed)</c> starts from.
    /// </summary>
    /// <exception cref="ArgumentException">The config is inconsistent.</exception>
    public static TorchLlama Create(LlamaConfig config, long seed = 0, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var model = new TorchLlama(config, device ?? CPU);
        model.ImportWeights(new Dictionary<string, TensorData>(LlamaInitialization.InitialWeights(config, seed), StringComparer.Ordinal));
        return model;
    }

    /// <summary>Loads a Hugging Face <c>LlamaForCausalLM</c> checkpoint folder (written by either engine, or by transformers) onto <paramref name="device"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>config.json</c>.</exception>
    /// <exception cref="CheckpointFormatException">config.json or the shard index is invalid or unsupported.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights file is malformed.</exception>
    /// <exception cref="StateDictMismatchException">Tensors are missing, unexpected or mis-shaped.</exception>
    public static TorchLlama Load(string directory, Device? device = null)
    {
        var (config, weights) = HuggingFaceCheckpoint.Read(directory);
        var model = new TorchLlama(config, device ?? CPU);
        try
        {
            model.ImportWeights(weights);
        }
        catch (StateDictMismatchException ex)
        {
            model.Dispose();
            throw new StateDictMismatchException($"Checkpoint '{Path.GetFullPath(directory)}' does not match its config.json. {ex.Message}", ex.Problems);
        }
        return model;
    }

    /// <summary>Saves the model as a Hugging Face checkpoint folder (config.json + SafeTensors); see <see cref="HuggingFaceCheckpoint.Save"/>.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="IOException">Writing failed (the previous checkpoint, if any, is intact).</exception>
    public void Save(string directory, SaveOptions? options = null) => HuggingFaceCheckpoint.Save(directory, Config, ExportWeights(), options);

    /// <summary>
    /// A new model on the same device with <paramref name="newVocabSize"/> tokens: the embedding and an untied head gain
    /// rows that are the mean of their existing rows, everything else is copied (see
    /// <see cref="FineTuning.TokenEmbeddingResize"/>); the same result as our engine's <c>LlamaModel.ResizeTokenEmbeddings</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newVocabSize"/> is smaller than the vocabulary.</exception>
    public TorchLlama ResizeTokenEmbeddings(int newVocabSize)
    {
        var (config, weights) = FineTuning.TokenEmbeddingResize.Resize(Config, ExportWeights(), newVocabSize);
        var model = new TorchLlama(config, Device);
        model.ImportWeights(new Dictionary<string, TensorData>(weights, StringComparer.Ordinal));
        return model;
    }

    /// <summary>The hyper-parameters.</summary>
    public LlamaConfig Config { get; }

    /// <summary>The device every parameter and activation lives on.</summary>
    public Device Device { get; }

    /// <summary>How BICO and prefix-bidirectional attention is computed (both exact; default <see cref="PolicyAttention.DefaultFormulation"/>).</summary>
    public BicoAttentionFormulation BicoFormulation { get; set; } = PolicyAttention.DefaultFormulation;

    /// <summary>The decoder stack (for the LoRA wrapper, which attaches adapters to its projections).</summary>
    internal TorchLlamaBackbone Backbone => _backbone;

    /// <summary>The RoPE tables on <see cref="Device"/>.</summary>
    public TorchRotaryEmbedding Rope => _rope;

    /// <summary>The output projection <c>[V, D]</c> (the embedding table when tied).</summary>
    public Tensor HeadWeight => _head?.Weight ?? _backbone.EmbedTokens.Weight;

    /// <inheritdoc />
    public int VocabSize => Config.VocabSize;

    /// <inheritdoc />
    public int ContextLength => Config.MaxPositionEmbeddings;

    /// <summary>Logits <c>[B, T, V]</c> of plain causal attention over int64 ids <c>[B, T]</c> (positions <c>0..T−1</c>), the usual <c>model(ids)</c>.</summary>
    public override Tensor forward(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2) throw new ArgumentException($"Input ids must be [B, T]; got {inputIds.dim()} dimensions.", nameof(inputIds));
        long b = inputIds.shape[0], t = inputIds.shape[1];
        if (t > ContextLength) throw new ArgumentException($"Sequence length {t} exceeds the model's context of {ContextLength} tokens.", nameof(inputIds));
        var ids = inputIds.cpu().to(ScalarType.Int64).data<long>().Select(i => checked((int)i)).ToArray();
        var input = new ModelInput((int)b, (int)t, ids);
        input.ValidateFor(VocabSize, ContextLength);
        using var batch = input.ToTorch(Device);
        return Forward(batch);
    }

    /// <summary>Logits <c>[B, T, V]</c> for a batch on <see cref="Device"/> (ids and positions must lie inside the vocabulary and the context).</summary>
    public Tensor Forward(TorchBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var hidden = _backbone.Forward(batch, _rope, BicoFormulation);
        return nn.functional.linear(hidden, HeadWeight).MoveToOuterDisposeScope();
    }

    /// <summary>Mean cross-entropy over the batch's counted targets (<c>ignore_index</c> −100; targets already shifted), a scalar on the autograd graph.</summary>
    /// <exception cref="ArgumentException">The batch has no targets.</exception>
    public Tensor Loss(TorchBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var targets = batch.Targets ?? throw new ArgumentException("The batch has no targets (it was made from a ModelInput).", nameof(batch));
        using var scope = NewDisposeScope();
        var logits = Forward(batch);
        return nn.functional.cross_entropy(logits.view(-1, VocabSize), targets.view(-1), ignore_index: ObjectiveBatch.IgnoreIndex).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public float[] Logits(ModelInput input, ReadOnlySpan<int> positions)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.ValidateFor(VocabSize, ContextLength);
        if (positions.Length != input.BatchSize) throw new ArgumentException($"{positions.Length} positions for {input.BatchSize} rows.", nameof(positions));
        for (int b = 0; b < positions.Length; b++)
            if ((uint)positions[b] >= (uint)input.SequenceLength)
                throw new ArgumentException($"Position {positions[b]} of row {b} is outside the sequence [0, {input.SequenceLength}).", nameof(positions));
        var picked = positions.ToArray().Select(p => (long)p).ToArray();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = input.ToTorch(Device);
        var hidden = _backbone.Forward(batch, _rope, BicoFormulation);
        var rows = arange(input.BatchSize, device: Device);
        var index = torch.tensor(picked, device: Device);
        var gathered = hidden.index(TensorIndex.Tensor(rows), TensorIndex.Tensor(index));
        return nn.functional.linear(gathered, HeadWeight).cpu().data<float>().ToArray();
    }

    /// <inheritdoc />
    public double[] TargetLogProbabilities(ModelInput input, ReadOnlySpan<int> targets)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.ValidateFor(VocabSize, ContextLength);
        if (targets.Length != input.TokenCount) throw new ArgumentException($"{targets.Length} targets for a [{input.BatchSize}, {input.SequenceLength}] input.", nameof(targets));
        var labels = new long[targets.Length];
        var counted = new bool[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] == ObjectiveBatch.IgnoreIndex) continue;
            if ((uint)targets[i] >= (uint)VocabSize)
                throw new ArgumentException($"Target {targets[i]} at row {i / input.SequenceLength}, position {i % input.SequenceLength} is outside the vocabulary [0, {VocabSize}).", nameof(targets));
            labels[i] = targets[i];
            counted[i] = true;
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = input.ToTorch(Device);
        var logProbabilities = Forward(batch).view(-1, VocabSize).to(ScalarType.Float64).log_softmax(-1);
        var picked = logProbabilities.gather(1, torch.tensor(labels, device: Device).view(-1, 1)).view(-1);
        var values = picked.cpu().data<double>().ToArray();
        for (int i = 0; i < values.Length; i++) if (!counted[i]) values[i] = 0;
        return values;
    }

    /// <inheritdoc />
    public IDecodingSession StartDecoding(int batchSize, int capacity) => new TorchLlamaDecodingSession(this, batchSize, capacity);

    /// <inheritdoc />
    /// <remarks>
    /// The prefix runs once through a one-row KV cache; its keys and values are copied into every row of a cache of at
    /// most <c>batchSize</c> rows, and each batch of continuations then feeds all its tokens but the last at once
    /// (right-padded; padding is neither written to the cache nor visible), log-softmax in float64 as in
    /// <see cref="TargetLogProbabilities"/>.
    /// </remarks>
    public double[] ContinuationLogProbabilities(int[] prefix, IReadOnlyList<int[]> continuations, int batchSize)
    {
        int longest = ContinuationChecks.Validate(prefix, continuations, batchSize, VocabSize, ContextLength);
        var result = new double[continuations.Count];
        if (continuations.Count == 0) return result;
        int rows = ContinuationChecks.BatchRows(continuations.Count, batchSize);
        int length = prefix.Length, capacity = length + longest - 1, columns = longest - 1;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        using var prefixCache = new TorchKvCache(Config, 1, capacity, Device);
        double[] afterPrefix = CachedLogProbabilities(prefixCache, 1, length, (_, c) => prefix[c], (_, c) => c, (_, c) => c < length, [length - 1])
            .cpu().data<double>().ToArray();

        using var cache = new TorchKvCache(Config, rows, capacity, Device);
        for (int layer = 0; layer < cache.Layers.Length; layer++)
        {
            cache.Layers[layer].Keys.narrow(2, 0, length).copy_(prefixCache.Layers[layer].Keys.narrow(2, 0, length).expand(rows, -1, -1, -1));
            cache.Layers[layer].Values.narrow(2, 0, length).copy_(prefixCache.Layers[layer].Values.narrow(2, 0, length).expand(rows, -1, -1, -1));
        }
        for (int start = 0; start < continuations.Count; start += rows)
        {
            int n = Math.Min(rows, continuations.Count - start);
            for (int i = 0; i < n; i++) result[start + i] = afterPrefix[continuations[start + i][0]];
            if (columns == 0) continue;
            bool Kept(int row, int column) => row < n && column < continuations[start + row].Length - 1;
            var logProbabilities = CachedLogProbabilities(cache, rows, columns,
                (row, column) => Kept(row, column) ? continuations[start + row][column] : 0,
                (row, column) => Kept(row, column) ? length + column : 0, Kept, null);
            // Column c of row i predicts continuation token c + 1.
            var labels = new long[rows * columns];
            for (int i = 0; i < n; i++)
                for (int c = 0; c < continuations[start + i].Length - 1; c++) labels[i * columns + c] = continuations[start + i][c + 1];
            var picked = logProbabilities.view(-1, VocabSize).gather(1, torch.tensor(labels, device: Device).view(-1, 1)).view(-1).cpu().data<double>().ToArray();
            for (int i = 0; i < n; i++)
                for (int c = 0; c < continuations[start + i].Length - 1; c++) result[start + i] += picked[i * columns + c];
        }
        return result;
    }

    /// <summary>
    /// Feeds <c>[rows, columns]</c> new tokens through <paramref name="cache"/> (entry (b, c) kept when
    /// <paramref name="kept"/> says so, written to slot <paramref name="position"/>(b, c), which is also its position, and
    /// attending to slots up to it; padding attends to slot 0 only and is never written) and returns float64
    /// log-softmax rows: <c>[rows, columns, V]</c>, or <c>[V]</c> after column <c>lastColumn[0]</c> of row 0 when given.
    /// </summary>
    private Tensor CachedLogProbabilities(TorchKvCache cache, int rows, int columns, Func<int, int, int> id, Func<int, int, int> position,
        Func<int, int, bool> kept, int[]? lastColumn)
    {
        var ids = new long[rows * columns];
        var positions = new long[rows * columns];
        var keep = new bool[rows * columns];
        for (int b = 0; b < rows; b++)
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                ids[i] = id(b, c);
                positions[i] = position(b, c);
                keep[i] = kept(b, c);
            }
        var hidden = HiddenCached(cache, rows, columns, ids, positions, positions, keep);
        if (lastColumn is not null) hidden = hidden[0, lastColumn[0]];
        return nn.functional.linear(hidden, HeadWeight).to(ScalarType.Float64).log_softmax(-1);
    }

    /// <summary>
    /// Feeds <c>[rows, columns]</c> new tokens through <paramref name="cache"/> and returns their final hidden states
    /// <c>[rows, columns, D]</c>. Entry <c>i = b·columns + c</c> is token <paramref name="ids"/>[i] at position
    /// <paramref name="positions"/>[i]. A kept entry is written to slot <paramref name="slots"/>[i] of its row and
    /// attends to the slots up to it, and, when row b has a bidirectional prefix of <c>P_b</c> slots
    /// (<paramref name="prefixLengths"/>) and the entry lies inside it, to the whole prefix; when the cache keeps
    /// mirrored keys, a visible slot whose position id is after the entry's is scored with the sine-negated rotation.
    /// A padding entry (<paramref name="keep"/>[i] false) attends to slot 0 only and is never written. Call inside a
    /// dispose scope: the tensors made here belong to it.
    /// </summary>
    internal Tensor HiddenCached(TorchKvCache cache, int rows, int columns, long[] ids, long[] positions, long[] slots, bool[] keep,
        IReadOnlyList<int>? prefixLengths = null)
    {
        int capacity = cache.Capacity;
        List<long> writeRows = [], writeColumns = [], writeSlots = [];
        for (int b = 0; b < rows; b++)
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                if (!keep[i]) continue;
                writeRows.Add(b); writeColumns.Add(c); writeSlots.Add(slots[i]);
                cache.SlotPositions[b * capacity + slots[i]] = positions[i];
            }
        var visible = new bool[rows * columns * capacity];
        var mirrored = cache.KeepsMirroredKeys ? new bool[visible.Length] : null;
        for (int b = 0; b < rows; b++)
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                var row = visible.AsSpan(i * capacity, capacity);
                if (!keep[i])
                {
                    row[0] = true;
                    continue;
                }
                int slot = (int)slots[i], prefix = prefixLengths?[b] ?? 0;
                row[..(slot < prefix ? Math.Max(prefix, slot + 1) : slot + 1)].Fill(true);
                if (mirrored is null) continue;
                for (int j = 0; j < capacity; j++)
                    mirrored[i * capacity + j] = row[j] && cache.SlotPositions[b * capacity + j] > positions[i];
            }
        using var writes = new TorchKvCache.Writes(
            torch.tensor(writeRows.ToArray(), device: Device), torch.tensor(writeColumns.ToArray(), device: Device), torch.tensor(writeSlots.ToArray(), device: Device));
        var attend = new TorchKvCache.Attend(torch.tensor(visible, [rows, 1, columns, capacity], device: Device),
            mirrored is null ? null : torch.tensor(mirrored, [rows, 1, columns, capacity], device: Device));
        return _backbone.ForwardCached(torch.tensor(ids, [rows, columns], device: Device), torch.tensor(positions, [rows, columns], device: Device),
            cache, writes, attend, _rope);
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterInfo> Parameters =>
        named_parameters().Select(p => new ParameterInfo(p.name, p.parameter.shape.Select(d => (int)d).ToArray(), p.parameter.requires_grad)).ToArray();

    /// <inheritdoc />
    /// <remarks>Sets each parameter's <c>requires_grad</c>; a frozen parameter's <c>grad</c> is released.</remarks>
    public void SetTrainable(Func<ParameterInfo, bool> isTrainable)
    {
        ArgumentNullException.ThrowIfNull(isTrainable);
        var parameters = named_parameters().ToArray();
        var decisions = parameters.Select(p => isTrainable(new ParameterInfo(p.name, p.parameter.shape.Select(d => (int)d).ToArray(), p.parameter.requires_grad))).ToArray();
        for (int i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i].parameter;
            parameter.requires_grad = decisions[i];
            if (!decisions[i] && parameter.grad is { } grad)
            {
                parameter.grad = null;
                grad.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public ITrainingSession CreateTrainingSession(AdamWSettings optimizer) => new TorchLlamaTrainingSession(this, optimizer);

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, TensorData>> ExportWeights() =>
        named_parameters().Select(p => new KeyValuePair<string, TensorData>(p.name, p.parameter.ToTensorData())).ToList();

    /// <inheritdoc />
    public void ImportWeights(IReadOnlyDictionary<string, TensorData> weights)
    {
        HuggingFaceCheckpoint.CheckWeights(weights, Parameters, nameof(TorchLlama));
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            using var source = weights[name].ToTorch(Device);
            parameter.copy_(source);
        }
    }

    /// <summary>Frees the parameters and the rotary tables.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _rope.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Does nothing: every sub-module is registered explicitly under its Hugging Face name in the constructor.</summary>
    protected override void RegisterComponents()
    {
    }
}
