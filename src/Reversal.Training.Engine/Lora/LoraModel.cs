using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Randomness;
using Reversal.Training.Serialization;

namespace Reversal.Training.Engine.Lora;

/// <summary>
/// A <see cref="LlamaModel"/> with LoRA adapters on its projections (Hu et al., arXiv 2106.09685), trained by the
/// engine-neutral <c>Trainer</c> like any model. Each targeted projection <c>W [out, in]</c> computes
/// <c>y = x Wᵀ + (alpha / r) · dropout(x) Aᵀ Bᵀ</c> (see <see cref="LoraAdapter"/>); the base weights are frozen except
/// the <see cref="LoraConfig.ModulesToSave"/>, so gradients and AdamW moments exist for the adapters (and those
/// modules) only.
/// </summary>
/// <remarks>
/// <para>The adapters are attached to the base model's layers in place (as PEFT does): <see cref="Base"/> itself then
/// computes the adapted function, and its decoding, evaluation and <c>Logits</c> all include the adapters.</para>
/// <para>Saving: <see cref="SaveAdapter"/> writes PEFT's <c>adapter_config.json</c> + <c>adapter_model.safetensors</c>;
/// <see cref="Merge"/> then <c>Base.Save(dir)</c> writes a plain merged Hugging Face model.</para>
/// <para>Checkpoints: a training checkpoint of this model holds the adapter beside the base weights and resumes bit for
/// bit when <see cref="LoraConfig.Dropout"/> is 0; the dropout masks' random stream is not part of the checkpoint, so
/// with dropout a resumed run draws other masks from the resume on.</para>
/// </remarks>
/// <example><code>
/// var model = LoraModel.Apply(LlamaModel.Load("base"), new LoraConfig { Rank = 8, Alpha = 16, ModulesToSave = ["embed_tokens"] }, seed: 1);
/// Trainer.For(model).WithObjective(new NextTokenPrediction()).WithTokenizer(tokenizer).Build().Fit(data, epochs: 20, batchSize: 16);
/// model.SaveAdapter("adapter");                        // loads in PEFT: PeftModel.from_pretrained(base, "adapter")
/// </code></example>
public sealed class LoraModel : ILoraModel
{
    private readonly LoraAdapter[] _adapters;

    /// <summary>Separates the dropout masks' random stream from the initialisation's (same seed).</summary>
    private const long DropoutSeedSalt = 0x4C6F526144726F70; // "LoRaDrop"

    private LoraModel(LlamaModel baseModel, LoraConfig config, LoraLayout layout, LoraAdapter[] adapters)
    {
        Base = baseModel; Lora = config; Layout = layout; _adapters = adapters;
    }

    /// <summary>
    /// Attaches fresh adapters (<see cref="LoraLayout.InitialAdapters"/> of <paramref name="seed"/>: A Kaiming-uniform,
    /// B zero; the TorchSharp engine draws the same) to the projections
    /// <paramref name="config"/> targets, freezes every base parameter except the modules to save, and returns the
    /// adapted model. At this point it computes exactly what the base model computed.
    /// </summary>
    /// <exception cref="ArgumentException">The config is invalid, a target module or module to save is not present,
    /// or a targeted projection already carries an adapter.</exception>
    public static LoraModel Apply(LlamaModel baseModel, LoraConfig config, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(config);
        var layout = LoraLayout.Resolve(baseModel.Config, config);
        var targets = layout.Adapted.Select(a => ProjectionOf(baseModel, a)).ToArray();
        for (int i = 0; i < targets.Length; i++)
            if (targets[i].Adapter is not null)
                throw new ArgumentException($"Projection '{layout.Adapted[i].Module}' already carries a LoRA adapter.", nameof(baseModel));
        var initial = layout.InitialAdapters(seed);
        var dropoutRandom = new SeededRandom(unchecked(seed ^ DropoutSeedSalt));
        var adapters = targets.Select((t, i) => new LoraAdapter(t, config.Alpha, config.Dropout, initial[2 * i].Value, initial[2 * i + 1].Value, dropoutRandom.Fork())).ToArray();
        for (int i = 0; i < targets.Length; i++) targets[i].Adapter = adapters[i];
        var saved = new HashSet<string>(layout.SavedParameters.Select(p => p.Name), StringComparer.Ordinal);
        foreach (var (name, parameter) in baseModel.NamedParameters()) parameter.Trainable = saved.Contains(name);
        return new LoraModel(baseModel, config, layout, adapters);
    }

    /// <summary>
    /// Reads a PEFT adapter folder (<see cref="PeftAdapter.Read"/>, validated against <paramref name="baseModel"/>
    /// before anything changes), attaches its adapters to <paramref name="baseModel"/> and imports its tensors (the
    /// modules to save overwrite the base model's).
    /// </summary>
    /// <exception cref="CheckpointFormatException">The config or a tensor is invalid or does not fit the model; the
    /// message names the file and the field or tensor.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="SafeTensorsFormatException">The weights file is malformed.</exception>
    public static LoraModel Load(LlamaModel baseModel, string adapterDirectory)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        var (config, tensors) = PeftAdapter.Read(adapterDirectory, baseModel.Config);
        var model = Apply(baseModel, config);
        model.ImportAdapter(tensors);
        return model;
    }

    /// <summary>Writes the adapter as a PEFT folder (see <see cref="PeftAdapter.Save"/>).</summary>
    public void SaveAdapter(string directory) => PeftAdapter.Save(directory, this);

    /// <summary>The base model, whose adapted projections now carry the adapters.</summary>
    public LlamaModel Base { get; }

    /// <inheritdoc />
    public LoraConfig Lora { get; }

    /// <inheritdoc />
    public LoraLayout Layout { get; }

    /// <summary>The adapters, in <see cref="LoraLayout.Adapted"/> order.</summary>
    public IReadOnlyList<LoraAdapter> Adapters => _adapters;

    /// <inheritdoc />
    public bool IsMerged => _adapters[0].IsMerged;

    /// <inheritdoc />
    public LlamaConfig Config => Base.Config;

    /// <inheritdoc />
    public int VocabSize => Base.VocabSize;

    /// <inheritdoc />
    public int ContextLength => Base.ContextLength;

    /// <summary>Every parameter by name: the base model's (Hugging Face names), then each adapter's A and B.</summary>
    public IEnumerable<KeyValuePair<string, Parameter>> NamedParameters()
    {
        foreach (var parameter in Base.NamedParameters()) yield return parameter;
        for (int i = 0; i < _adapters.Length; i++)
        {
            yield return new(Layout.Adapted[i].AName, _adapters[i].A);
            yield return new(Layout.Adapted[i].BName, _adapters[i].B);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterInfo> Parameters =>
        NamedParameters().Select(p => new ParameterInfo(p.Key, p.Value.Shape.ToArray(), p.Value.Trainable)).ToArray();

    /// <inheritdoc />
    public void SetTrainable(Func<ParameterInfo, bool> isTrainable)
    {
        ArgumentNullException.ThrowIfNull(isTrainable);
        var decisions = NamedParameters().Select(p => (p.Value, isTrainable(new ParameterInfo(p.Key, p.Value.Shape.ToArray(), p.Value.Trainable)))).ToArray();
        foreach (var (parameter, trainable) in decisions) parameter.Trainable = trainable;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The adapters are merged (unmerge before training).</exception>
    public ITrainingSession CreateTrainingSession(AdamWSettings optimizer)
    {
        if (IsMerged) throw new InvalidOperationException("The LoRA adapters are merged into the base weights; call Unmerge() before training.");
        return new LlamaTrainingSession(Base, NamedParameters(), optimizer);
    }

    /// <inheritdoc />
    public float[] Logits(ModelInput input, ReadOnlySpan<int> positions) => Base.Logits(input, positions);

    /// <inheritdoc />
    public double[] TargetLogProbabilities(ModelInput input, ReadOnlySpan<int> targets) => Base.TargetLogProbabilities(input, targets);

    /// <inheritdoc />
    public IDecodingSession StartDecoding(int batchSize, int capacity) => Base.StartDecoding(batchSize, capacity);

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, TensorData>> ExportWeights() => Base.ExportWeights();

    /// <inheritdoc />
    public void ImportWeights(IReadOnlyDictionary<string, TensorData> weights) => Base.ImportWeights(weights);

    /// <inheritdoc />
    public void Merge()
    {
        if (IsMerged) throw new InvalidOperationException("The LoRA adapters are already merged.");
        foreach (var adapter in _adapters) adapter.Merge();
    }

    /// <inheritdoc />
    public void Unmerge()
    {
        if (!IsMerged) throw new InvalidOperationException("The LoRA adapters are not merged.");
        foreach (var adapter in _adapters) adapter.Unmerge();
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, TensorData>> ExportAdapter()
    {
        var byName = Base.NamedParameters().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return Layout.CollectAdapter(i => (Copy(_adapters[i].A), Copy(_adapters[i].B)), name => Copy(byName[name]));
    }

    /// <inheritdoc />
    public void ImportAdapter(IReadOnlyDictionary<string, TensorData> tensors)
    {
        if (IsMerged) throw new InvalidOperationException("The LoRA adapters are merged; call Unmerge() before importing an adapter.");
        var byName = Base.NamedParameters().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Layout.DistributeAdapter(tensors, nameof(LoraModel),
            (i, a, b) => { a.Values.CopyTo(_adapters[i].A.AsSpan()); b.Values.CopyTo(_adapters[i].B.AsSpan()); },
            (name, value) => value.Values.CopyTo(byName[name].AsSpan()));
    }

    private static TensorData Copy(Tensor t) => new(t.ToArray(), t.Shape.ToArray());

    private static Linear ProjectionOf(LlamaModel model, AdaptedProjection projection)
    {
        var layer = model.Backbone.Layers[projection.Layer];
        return projection.Projection switch
        {
            "self_attn.q_proj" => layer.SelfAttention.QProj,
            "self_attn.k_proj" => layer.SelfAttention.KProj,
            "self_attn.v_proj" => layer.SelfAttention.VProj,
            "self_attn.o_proj" => layer.SelfAttention.OProj,
            "mlp.gate_proj" => layer.Mlp.GateProj,
            "mlp.up_proj" => layer.Mlp.UpProj,
            _ => layer.Mlp.DownProj, // LoraLayout admits only these seven
        };
    }
}
