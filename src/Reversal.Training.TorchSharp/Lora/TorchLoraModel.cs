using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Interop;
using Reversal.Training.TorchSharp.Layers;
using Reversal.Training.TorchSharp.Llama;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Lora;

/// <summary>
/// A <see cref="TorchLlama"/> with LoRA adapters on its projections, the TorchSharp counterpart of the native engine's
/// <c>LoraModel</c>: the same <see cref="LoraConfig"/>, the same initial adapters for a seed
/// (<see cref="LoraLayout.InitialAdapters"/>), the same PEFT files, and the same function
/// <c>y = x Wᵀ + (alpha / r) · dropout(x) Aᵀ Bᵀ</c>. The base parameters are frozen (<c>requires_grad</c> false) except
/// the modules to save.
/// </summary>
/// <remarks>The adapters are attached to <see cref="Base"/>'s projections in place; disposing this model frees the
/// adapters (not the base model).</remarks>
public sealed class TorchLoraModel : ILoraModel, IDisposable
{
    private readonly TorchLoraAdapter[] _adapters;
    private readonly TorchLinear[] _targets;

    private TorchLoraModel(TorchLlama baseModel, LoraConfig config, LoraLayout layout, TorchLinear[] targets, TorchLoraAdapter[] adapters)
    {
        Base = baseModel; Lora = config; Layout = layout; _targets = targets; _adapters = adapters;
    }

    /// <summary>
    /// Attaches fresh adapters (those of <see cref="LoraLayout.InitialAdapters"/> for <paramref name="seed"/>) to the
    /// projections <paramref name="config"/> targets and freezes every base parameter except the modules to save.
    /// </summary>
    /// <exception cref="ArgumentException">The config is invalid, a module is not present, or a projection already carries an adapter.</exception>
    public static TorchLoraModel Apply(TorchLlama baseModel, LoraConfig config, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(config);
        var layout = LoraLayout.Resolve(baseModel.Config, config);
        var targets = layout.Adapted.Select(a => ProjectionOf(baseModel, a)).ToArray();
        for (int i = 0; i < targets.Length; i++)
            if (targets[i].Adapter is not null)
                throw new ArgumentException($"Projection '{layout.Adapted[i].Module}' already carries a LoRA adapter.", nameof(baseModel));
        var initial = layout.InitialAdapters(seed);
        var adapters = targets.Select((t, i) => new TorchLoraAdapter(t, config.Alpha, config.Dropout, initial[2 * i].Value, initial[2 * i + 1].Value, baseModel.Device)).ToArray();
        for (int i = 0; i < targets.Length; i++) targets[i].Adapter = adapters[i];
        var saved = new HashSet<string>(layout.SavedParameters.Select(p => p.Name), StringComparer.Ordinal);
        foreach (var (name, parameter) in baseModel.named_parameters()) parameter.requires_grad = saved.Contains(name);
        return new TorchLoraModel(baseModel, config, layout, targets, adapters);
    }

    /// <summary>Reads a PEFT adapter folder (validated against the base model first), attaches and imports it.</summary>
    /// <exception cref="CheckpointFormatException">The config or a tensor is invalid or does not fit the model.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static TorchLoraModel Load(TorchLlama baseModel, string adapterDirectory)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        var (config, tensors) = PeftAdapter.Read(adapterDirectory, baseModel.Config);
        var model = Apply(baseModel, config);
        model.ImportAdapter(tensors);
        return model;
    }

    /// <summary>Writes the adapter as a PEFT folder (see <see cref="PeftAdapter.Save"/>).</summary>
    public void SaveAdapter(string directory) => PeftAdapter.Save(directory, this);

    /// <summary>The base model, whose adapted projections carry the adapters.</summary>
    public TorchLlama Base { get; }

    /// <inheritdoc />
    public LoraConfig Lora { get; }

    /// <inheritdoc />
    public LoraLayout Layout { get; }

    /// <summary>The adapters, in <see cref="LoraLayout.Adapted"/> order.</summary>
    public IReadOnlyList<TorchLoraAdapter> Adapters => _adapters;

    /// <inheritdoc />
    public bool IsMerged => _adapters[0].IsMerged;

    /// <inheritdoc />
    public LlamaConfig Config => Base.Config;

    /// <inheritdoc />
    public int VocabSize => Base.VocabSize;

    /// <inheritdoc />
    public int ContextLength => Base.ContextLength;

    private IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters()
    {
        var result = Base.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        for (int i = 0; i < _adapters.Length; i++)
        {
            result.Add((Layout.Adapted[i].AName, _adapters[i].A));
            result.Add((Layout.Adapted[i].BName, _adapters[i].B));
        }
        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterInfo> Parameters =>
        NamedParameters().Select(p => new ParameterInfo(p.Name, p.Parameter.shape.Select(d => (int)d).ToArray(), p.Parameter.requires_grad)).ToArray();

    /// <inheritdoc />
    public void SetTrainable(Func<ParameterInfo, bool> isTrainable)
    {
        ArgumentNullException.ThrowIfNull(isTrainable);
        var all = NamedParameters();
        var decisions = all.Select(p => isTrainable(new ParameterInfo(p.Name, p.Parameter.shape.Select(d => (int)d).ToArray(), p.Parameter.requires_grad))).ToArray();
        for (int i = 0; i < all.Count; i++)
        {
            all[i].Parameter.requires_grad = decisions[i];
            if (!decisions[i] && all[i].Parameter.grad is { } grad)
            {
                all[i].Parameter.grad = null;
                grad.Dispose();
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The adapters are merged.</exception>
    public ITrainingSession CreateTrainingSession(AdamWSettings optimizer)
    {
        if (IsMerged) throw new InvalidOperationException("The LoRA adapters are merged into the base weights; call Unmerge() before training.");
        return new TorchLlamaTrainingSession(Base, NamedParameters(), optimizer);
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
        var byName = Base.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        return Layout.CollectAdapter(i => (_adapters[i].A.ToTensorData(), _adapters[i].B.ToTensorData()), name => byName[name].ToTensorData());
    }

    /// <inheritdoc />
    public void ImportAdapter(IReadOnlyDictionary<string, TensorData> tensors)
    {
        if (IsMerged) throw new InvalidOperationException("The LoRA adapters are merged; call Unmerge() before importing an adapter.");
        var byName = Base.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var noGrad = no_grad();
        void Copy(TensorData value, Tensor target)
        {
            using var source = value.ToTorch(Base.Device);
            target.copy_(source);
        }
        Layout.DistributeAdapter(tensors, nameof(TorchLoraModel),
            (i, a, b) => { Copy(a, _adapters[i].A); Copy(b, _adapters[i].B); },
            (name, value) => Copy(value, byName[name]));
    }

    /// <summary>Detaches the adapters from the base model's projections and frees them (unmerging first if merged).</summary>
    public void Dispose()
    {
        if (IsMerged) Unmerge();
        foreach (var target in _targets) target.Adapter = null;
        foreach (var adapter in _adapters) adapter.Dispose();
    }

    private static TorchLinear ProjectionOf(TorchLlama model, AdaptedProjection projection)
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
