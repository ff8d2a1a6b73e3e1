using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Serialization;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// A Llama-style causal language model (Hugging Face's <c>LlamaForCausalLM</c>): the decoder stack under <c>model.</c>
/// and an output head <c>lm_head.weight [V, D]</c> (absent when tied to <c>model.embed_tokens.weight</c>).
/// </summary>
/// <remarks>
/// The model never knows which objective produced a batch: it reads ids, position ids, the attention policy and the
/// key mask from the <see cref="ObjectiveBatch"/> and returns logits; <see cref="Loss"/> adds the cross-entropy.
/// As an <see cref="ITrainableLanguageModel"/> it trains under the engine-neutral <c>Trainer</c> and is evaluated
/// and decoded through <see cref="ICausalLanguageModel"/>, exactly like a TorchSharp model.
/// <para>Thread safety: inference calls (<see cref="Logits"/>, <see cref="TargetLogProbabilities"/>, decoding sessions,
/// forward under <c>GradMode.NoGrad</c>) may run concurrently; training (a session stepping the weights) needs the
/// model to itself.</para>
/// </remarks>
public sealed class LlamaModel : Module, ITrainableLanguageModel, IContinuationScoringModel
{
    private readonly Linear? _head;

    /// <summary>Builds the module tree with zero weights (see <see cref="Create"/> for the initialised model).</summary>
    private LlamaModel(LlamaConfig config)
    {
        SeededRandom? random = null; // zero weights: Create imports the initial weights, Load the checkpoint's
        Config = config;
        Backbone = RegisterModule("model", new LlamaBackbone(config, random));
        if (!config.TieWordEmbeddings)
            _head = RegisterModule("lm_head", new Linear(config.HiddenSize, config.VocabSize, random, config.InitializerRange));
        Rope = new RotaryEmbedding(config.HeadDim, config.MaxPositionEmbeddings, config.RopeTheta, config.RopeScaling);
    }

    /// <summary>
    /// Creates a model with weights drawn from Normal(0, InitializerRange²) (norm gains 1), reproducibly from
    /// <paramref name="seed"/>: exactly <see cref="LlamaInitialization.InitialWeights"/>, so the TorchSharp engine's
    /// model created with the same seed starts from the same weights.
    /// </summary>
    /// <exception cref="ArgumentException">The config is inconsistent.</exception>
    public static LlamaModel Create(LlamaConfig config, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var model = new LlamaModel(config);
        model.ImportWeights(new Dictionary<string, TensorData>(LlamaInitialization.InitialWeights(config, seed), StringComparer.Ordinal));
        return model;
    }

    /// <summary>
    /// Saves the model as a Hugging Face <c>LlamaForCausalLM</c> checkpoint folder (<c>config.json</c> and SafeTensors
    /// weights); an existing checkpoint there is replaced only once the new one is fully written. See
    /// <see cref="HuggingFaceCheckpoint.Save"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    /// <exception cref="UnauthorizedAccessException">A file to replace is read-only or the folder is not writable.</exception>
    public void Save(string directory, SaveOptions? options = null) => HuggingFaceCheckpoint.Save(directory, Config, ExportWeights(), options);

    /// <summary>Loads a Hugging Face <c>LlamaForCausalLM</c> checkpoint folder (written by either engine, or by
    /// transformers). See <see cref="HuggingFaceCheckpoint.Read"/>.</summary>
    /// <remarks>
    /// <para>Safe on files from anyone: <c>config.json</c> is checked against the weights' SafeTensors headers (every
    /// tensor's name, dtype and shape) before any tensor is read and before the model is built, so no value in
    /// <c>config.json</c> can make the load allocate more than the weights justify; the RoPE tables grow with the
    /// positions a run uses, not with <c>max_position_embeddings</c>.</para>
    /// <para>Memory: the weights read as float32 plus the model built from them, 8 bytes per parameter: twice the
    /// weight files' data bytes for F32 files, four times for F16/BF16; plus the parse of <c>config.json</c>, index and
    /// headers (at most about 16 bytes per byte of them) and a fixed overhead for the modules.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>config.json</c>.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    /// <exception cref="CheckpointFormatException">config.json or the shard index is invalid or unsupported.</exception>
    /// <exception cref="SafeTensorsFormatException">A weights file is malformed.</exception>
    /// <exception cref="StateDictMismatchException">Tensors are missing, unexpected, mis-shaped, of an unsupported
    /// dtype (all found from the headers, before anything is read) or not finite.</exception>
    public static LlamaModel Load(string directory)
    {
        var (config, weights) = HuggingFaceCheckpoint.Read(directory);
        var model = new LlamaModel(config);
        try
        {
            model.ImportWeights(weights);
        }
        catch (StateDictMismatchException ex)
        {
            // Names, dtypes and shapes were checked against config.json by Read: what remains is the values (NaN, infinity).
            throw new StateDictMismatchException($"Checkpoint '{Path.GetFullPath(directory)}' holds weights the model refuses. {ex.Message}", ex.Problems);
        }
        return model;
    }

    /// <summary>
    /// A copy of this model with <paramref name="newVocabSize"/> tokens (Hugging Face's <c>resize_token_embeddings</c>):
    /// the embedding and an untied head gain rows that are the mean of their existing rows; every other weight and every
    /// existing row is copied, so old tokens keep their logits. See <see cref="FineTuning.TokenEmbeddingResize"/>.
    /// Parameters of the copy are all trainable.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newVocabSize"/> is smaller than the vocabulary.</exception>
    public LlamaModel ResizeTokenEmbeddings(int newVocabSize)
    {
        var (config, weights) = FineTuning.TokenEmbeddingResize.Resize(Config, ExportWeights(), newVocabSize);
        var model = new LlamaModel(config);
        model.ImportWeights(new Dictionary<string, TensorData>(weights, StringComparer.Ordinal));
        return model;
    }

    /// <summary>The hyper-parameters.</summary>
    public LlamaConfig Config { get; }

    /// <summary>The decoder stack (<c>model.*</c>).</summary>
    public LlamaBackbone Backbone { get; }

    /// <summary>RoPE tables shared by every layer.</summary>
    public RotaryEmbedding Rope { get; }

    /// <summary>The output projection <c>[V, D]</c> (the embedding table when tied).</summary>
    public Parameter HeadWeight => _head?.Weight ?? Backbone.EmbedTokens.Weight;

    /// <summary>Logits <c>[B, T, V]</c> for a prepared batch.</summary>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary, or the batch is longer than the context.</exception>
    public Tensor Forward(ObjectiveBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(batch.InputIds, batch.BatchSize, batch.SequenceLength, batch.PositionIds, batch.Attention, batch.KeyMask);
    }

    /// <summary>
    /// Logits <c>[B, T, V]</c> for <paramref name="inputIds"/> <c>[B·T]</c>. Position ids default to <c>0..T−1</c> per
    /// row, the policy to causal, and the key mask to all-visible.
    /// </summary>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary (the message names row and position), the
    /// sequence or a position id exceeds the context, or lengths disagree.</exception>
    public Tensor Forward(int[] inputIds, int batchSize, int length, int[]? positionIds = null, AttentionMaskPolicy? policy = null, bool[]? keyMask = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        var positions = ValidateInputs(inputIds, batchSize, length, positionIds);
        var context = new AttentionContext(Config.NumAttentionHeads, Config.KeyValueHeads, Rope, policy ?? AttentionMaskPolicy.Causal, positions, keyMask);
        var hidden = Backbone.Forward(inputIds, batchSize, length, context);
        return Functional.Linear(hidden, HeadWeight);
    }

    /// <summary>Logits <c>[B, T, V]</c> for a model input (see <see cref="ModelInput"/>).</summary>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary, or the input is longer than the context.</exception>
    public Tensor Forward(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Forward(input.InputIds, input.BatchSize, input.SequenceLength, input.PositionIds, input.Attention, input.KeyMask);
    }

    /// <summary>Mean cross-entropy of the batch's counted targets (a scalar tensor on the tape).</summary>
    public Tensor Loss(ObjectiveBatch batch) => Functional.CrossEntropy(Forward(batch), batch.Targets);

    /// <inheritdoc />
    public int VocabSize => Config.VocabSize;

    /// <inheritdoc />
    public int ContextLength => Config.MaxPositionEmbeddings;

    /// <inheritdoc />
    IReadOnlyList<ParameterInfo> ITrainableLanguageModel.Parameters => ParameterInfos();

    /// <summary>Every parameter's name, shape and trainability, in state-dict order.</summary>
    public IReadOnlyList<ParameterInfo> ParameterInfos() =>
        NamedParameters().Select(p => new ParameterInfo(p.Key, p.Value.Shape.ToArray(), p.Value.Trainable)).ToArray();

    /// <inheritdoc />
    public void SetTrainable(Func<ParameterInfo, bool> isTrainable)
    {
        ArgumentNullException.ThrowIfNull(isTrainable);
        var decisions = NamedParameters().Select(p => (p.Value, isTrainable(new ParameterInfo(p.Key, p.Value.Shape.ToArray(), p.Value.Trainable)))).ToArray();
        foreach (var (parameter, trainable) in decisions) parameter.Trainable = trainable;
    }

    /// <inheritdoc />
    public float[] Logits(ModelInput input, ReadOnlySpan<int> positions)
    {
        ArgumentNullException.ThrowIfNull(input);
        int rows = input.BatchSize, length = input.SequenceLength, width = Config.HiddenSize;
        if (positions.Length != rows) throw new ArgumentException($"{positions.Length} positions for {rows} rows.", nameof(positions));
        for (int b = 0; b < rows; b++)
            if ((uint)positions[b] >= (uint)length)
                throw new ArgumentException($"Position {positions[b]} of row {b} is outside the sequence [0, {length}).", nameof(positions));
        var picked = positions.ToArray();
        using (GradMode.NoGrad())
        using (TensorMemory.BeginScope())
        {
            var hidden = Hidden(input).AsSpan();
            // The head runs only on the chosen rows: [B, D] x [V, D]^T.
            var gathered = Tensor.Zeros(rows, width);
            for (int b = 0; b < rows; b++)
                hidden.Slice((b * length + picked[b]) * width, width).CopyTo(gathered.AsSpan().Slice(b * width, width));
            return Functional.Linear(gathered, HeadWeight).ToArray();
        }
    }

    /// <inheritdoc />
    public double[] TargetLogProbabilities(ModelInput input, ReadOnlySpan<int> targets)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (targets.Length != input.TokenCount) throw new ArgumentException($"{targets.Length} targets for a [{input.BatchSize}, {input.SequenceLength}] input.", nameof(targets));
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] != ObjectiveBatch.IgnoreIndex && (uint)targets[i] >= (uint)Config.VocabSize)
                throw new ArgumentException($"Target {targets[i]} at row {i / input.SequenceLength}, position {i % input.SequenceLength} is outside the vocabulary [0, {Config.VocabSize}).", nameof(targets));
        var result = new double[targets.Length];
        int vocab = Config.VocabSize, width = Config.HiddenSize;
        var scored = new List<int>(targets.Length);
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] != ObjectiveBatch.IgnoreIndex) scored.Add(i);
        if (scored.Count == 0) return result;
        using (GradMode.NoGrad())
        using (TensorMemory.BeginScope())
        {
            // The head runs only on the positions with a target: [R, D] x [V, D]^T (row-local, so the same bits as a full head).
            var hidden = Hidden(input).AsSpan();
            var gathered = Tensor.Zeros(scored.Count, width);
            for (int r = 0; r < scored.Count; r++)
                hidden.Slice(scored[r] * width, width).CopyTo(gathered.AsSpan().Slice(r * width, width));
            var logits = Functional.Linear(gathered, HeadWeight);
            float[] logitRows = logits.Buffer;
            int logitStart = logits.Offset;
            int[] targetIds = targets.ToArray();
            Compute.For(scored.Count, r => result[scored[r]] = LogSoftmax.At(logitRows.AsSpan(logitStart + r * vocab, vocab), targetIds[scored[r]]));
        }
        return result;
    }

    /// <inheritdoc />
    public IDecodingSession StartDecoding(int batchSize, int capacity) => new LlamaDecodingSession(this, batchSize, capacity);

    /// <inheritdoc />
    public ITrainingSession CreateTrainingSession(AdamWSettings optimizer) => new LlamaTrainingSession(this, NamedParameters(), optimizer);

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, TensorData>> ExportWeights() =>
        NamedParameters().Select(p => new KeyValuePair<string, TensorData>(p.Key, new TensorData(p.Value.ToArray(), p.Value.Shape.ToArray()))).ToList();

    /// <inheritdoc />
    public void ImportWeights(IReadOnlyDictionary<string, TensorData> weights)
    {
        HuggingFaceCheckpoint.CheckWeights(weights, ParameterInfos(), nameof(LlamaModel));
        foreach (var (name, parameter) in NamedParameters()) weights[name].Values.CopyTo(parameter.AsSpan());
    }

    private Tensor Hidden(ModelInput input)
    {
        var positions = ValidateInputs(input.InputIds, input.BatchSize, input.SequenceLength, input.PositionIds);
        var context = new AttentionContext(Config.NumAttentionHeads, Config.KeyValueHeads, Rope, input.Attention, positions, input.KeyMask);
        return Backbone.Forward(input.InputIds, input.BatchSize, input.SequenceLength, context);
    }

    /// <summary>
    /// Feeds <paramref name="newIds"/> through the model incrementally using the one-row <paramref name="cache"/> (no
    /// grad) and returns the logits <c>[V]</c> of the last new token.
    /// </summary>
    /// <exception cref="ArgumentException">No new id, an id is outside the vocabulary, the cache has more than one row,
    /// or the cache would exceed its capacity.</exception>
    public float[] ForwardCached(ReadOnlySpan<int> newIds, KvCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.BatchSize != 1) throw new ArgumentException($"ForwardCached takes a one-row cache; this one has {cache.BatchSize} rows.", nameof(cache));
        if (newIds.IsEmpty) throw new ArgumentException("ForwardCached needs at least one new token.", nameof(newIds));
        if (cache.Length + newIds.Length > cache.Capacity)
            throw new ArgumentException($"Sequence of {cache.Length + newIds.Length} tokens exceeds the KV cache capacity {cache.Capacity}.", nameof(newIds));
        for (int i = 0; i < newIds.Length; i++)
            if ((uint)newIds[i] >= (uint)Config.VocabSize)
                throw new ArgumentException($"Token id {newIds[i]} at position {cache.Length + i} is outside the vocabulary [0, {Config.VocabSize}).", nameof(newIds));
        using (TensorMemory.BeginScope())
            return DecodeStep(newIds, [newIds.Length], cache);
    }

    /// <summary>
    /// One batched decoding step (no grad): <paramref name="packedIds"/> <c>[N]</c> holds <c>newCounts[b]</c> new tokens
    /// of each row b, row after row (ids already validated). Returns the logits <c>[R, V]</c> after the last new token of
    /// each of the R rows with new tokens, in row order; the cache rows gain the tokens. Each row's result is
    /// bit-identical to feeding it alone: every operation but attention is row-local, and attention is row-exact.
    /// </summary>
    /// <param name="packedIds">The new tokens, row after row.</param>
    /// <param name="newCounts">New tokens per row <c>[B]</c>.</param>
    /// <param name="cache">The rows' cache.</param>
    /// <param name="positions">Position id per new token <c>[N]</c> (already validated); null: each token's cache index.</param>
    /// <param name="policy">Causal (null) or PrefixBidirectional with prefix lengths in cache indices (the cache must
    /// keep mirrored keys).</param>
    /// <param name="packs">The caller's packed weights (a session's, kept across steps), or null to pack per product.</param>
    internal float[] DecodeStep(ReadOnlySpan<int> packedIds, int[] newCounts, KvCache cache, int[]? positions = null, AttentionMaskPolicy? policy = null,
        PackedWeights? packs = null)
    {
        int width = Config.HiddenSize;
        using (GradMode.NoGrad())
        {
            var hidden = DecodeHidden(packedIds, newCounts, cache, positions, policy, packs, out var step).AsSpan();
            int rows = newCounts.Count(n => n > 0), r = 0;
            var last = Tensor.Zeros(rows, width);
            for (int b = 0; b < newCounts.Length; b++)
            {
                if (newCounts[b] == 0) continue;
                hidden.Slice((step.RowStarts[b] + newCounts[b] - 1) * width, width).CopyTo(last.AsSpan().Slice(r++ * width, width));
            }
            return (packs is null ? Functional.Linear(last, HeadWeight) : packs.Linear(last, HeadWeight)).ToArray();
        }
    }

    /// <summary>Hidden states <c>[1, N, D]</c> of a decoding step's packed new tokens (no grad is the caller's); the
    /// cache rows gain the tokens.</summary>
    private Tensor DecodeHidden(ReadOnlySpan<int> packedIds, int[] newCounts, KvCache cache, int[]? positions, AttentionMaskPolicy? policy, PackedWeights? packs,
        out DecodingStep step)
    {
        step = cache.Plan(newCounts, positions);
        var context = new AttentionContext(Config.NumAttentionHeads, Config.KeyValueHeads, Rope, policy ?? AttentionMaskPolicy.Causal, step.Positions, null);
        var hidden = Backbone.ForwardCached(packedIds, cache, step, context, packs);
        cache.Commit(step);
        return hidden;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The prefix runs once, into row 0 of a KV cache of at most <c>batchSize</c> rows, and its logits score
    /// every continuation's first token; row 0 is copied to the other rows, and each batch of continuations then feeds
    /// all its tokens but the last at once (causal over the cached prefix, packed without padding), the head running on
    /// exactly those positions. Cost: the prefix once plus Σ (|c_i| − 1) tokens, against Σ (prefix + |c_i| − 1) when each
    /// pair is scored alone.
    /// </remarks>
    public double[] ContinuationLogProbabilities(int[] prefix, IReadOnlyList<int[]> continuations, int batchSize)
    {
        int longest = ContinuationChecks.Validate(prefix, continuations, batchSize, Config.VocabSize, ContextLength);
        int vocab = Config.VocabSize, width = Config.HiddenSize;
        var result = new double[continuations.Count];
        if (continuations.Count == 0) return result;

        int rows = ContinuationChecks.BatchRows(continuations.Count, batchSize);
        var cache = CreateKvCache(prefix.Length + longest - 1, rows);
        using var packs = new PackedWeights(); // every batch multiplies by the same weights
        float[] afterPrefix;
        using (TensorMemory.BeginScope())
        {
            var counts = new int[rows];
            counts[0] = prefix.Length;
            afterPrefix = DecodeStep(prefix, counts, cache, packs: packs);
        }
        for (int r = 1; r < rows; r++) cache.CopyRow(0, r);
        double afterPrefixNormalizer = LogSoftmax.LogNormalizer(afterPrefix); // shared by every first token

        var packed = new List<int>();
        for (int start = 0; start < continuations.Count; start += rows)
        {
            int n = Math.Min(rows, continuations.Count - start);
            var counts = new int[rows];
            packed.Clear();
            for (int i = 0; i < n; i++)
            {
                int[] ids = continuations[start + i];
                result[start + i] = afterPrefix[ids[0]] - afterPrefixNormalizer;
                counts[i] = ids.Length - 1;
                for (int j = 0; j < ids.Length - 1; j++) packed.Add(ids[j]);
            }
            if (packed.Count > 0)
            {
                using (GradMode.NoGrad())
                using (TensorMemory.BeginScope())
                {
                    var hidden = DecodeHidden(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packed), counts, cache, null, null, packs, out var step);
                    var logits = packs.Linear(hidden.Reshape(packed.Count, width), HeadWeight);
                    // Packed token k of row i predicts continuation token k + 1; rows' log-probabilities in parallel,
                    // then summed in token order.
                    var tokenLogProbabilities = new double[packed.Count];
                    var rowOf = new int[packed.Count];
                    for (int i = 0; i < n; i++) rowOf.AsSpan(step.RowStarts[i], counts[i]).Fill(i);
                    var logitRows = logits.Buffer;
                    int logitStart = logits.Offset;
                    Compute.For(packed.Count, k =>
                    {
                        int i = rowOf[k];
                        tokenLogProbabilities[k] = LogSoftmax.At(logitRows.AsSpan(logitStart + k * vocab, vocab), continuations[start + i][k - step.RowStarts[i] + 1]);
                    });
                    for (int i = 0; i < n; i++)
                        for (int k = 0; k < counts[i]; k++) result[start + i] += tokenLogProbabilities[step.RowStarts[i] + k];
                }
            }
            for (int r = 0; r < rows; r++) cache.Truncate(r, prefix.Length);
        }
        return result;
    }

    /// <summary>An empty KV cache of <paramref name="batchSize"/> rows sized for this model (capacity defaults to the
    /// context length).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is outside <c>[1, context]</c> or the batch size is below 1.</exception>
    public KvCache CreateKvCache(int? capacity = null, int batchSize = 1) => new(Config, capacity ?? Config.MaxPositionEmbeddings, batchSize);

    /// <summary>Checks ids, lengths and positions; returns the position ids (defaulted to 0..T−1 per row).</summary>
    private int[] ValidateInputs(int[] inputIds, int batchSize, int length, int[]? positionIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (inputIds.Length != batchSize * length)
            throw new ArgumentException($"{inputIds.Length} input ids do not form a [{batchSize}, {length}] batch.", nameof(inputIds));
        if (length > Config.MaxPositionEmbeddings)
            throw new ArgumentException($"Sequence length {length} exceeds the model's context of {Config.MaxPositionEmbeddings} tokens (MaxPositionEmbeddings).", nameof(length));
        for (int i = 0; i < inputIds.Length; i++)
            if ((uint)inputIds[i] >= (uint)Config.VocabSize)
                throw new ArgumentException($"Token id {inputIds[i]} at row {i / length}, position {i % length} is outside the vocabulary [0, {Config.VocabSize}).", nameof(inputIds));
        if (positionIds is null)
        {
            positionIds = new int[inputIds.Length];
            for (int i = 0; i < positionIds.Length; i++) positionIds[i] = i % length;
            return positionIds;
        }
        if (positionIds.Length != inputIds.Length)
            throw new ArgumentException($"{positionIds.Length} position ids for {inputIds.Length} tokens.", nameof(positionIds));
        for (int i = 0; i < positionIds.Length; i++)
            if ((uint)positionIds[i] >= (uint)Config.MaxPositionEmbeddings)
                throw new ArgumentException($"Position id {positionIds[i]} at row {i / length}, position {i % length} is outside the context [0, {Config.MaxPositionEmbeddings}).", nameof(positionIds));
        return positionIds;
    }
}
