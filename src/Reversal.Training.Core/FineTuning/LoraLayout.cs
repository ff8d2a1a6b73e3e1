using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.FineTuning;

/// <summary>
/// Where a <see cref="LoraConfig"/> puts its tensors on a Llama of a given <see cref="LlamaConfig"/>, engine-neutral:
/// the adapted projections with their shapes, the full modules to save, and every tensor's name in the model and in a
/// PEFT <c>adapter_model.safetensors</c>.
/// </summary>
/// <remarks>
/// Names. In the model an adapter of the projection <c>model.layers.{i}.self_attn.q_proj</c> is
/// <c>model.layers.{i}.self_attn.q_proj.lora_A.weight [r, in]</c> and <c>...lora_B.weight [out, r]</c>. PEFT's file
/// prefixes every name with <c>base_model.model.</c> (<see cref="PeftName"/>): <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>,
/// and for modules to save the plain parameter names, <c>base_model.model.model.embed_tokens.weight</c>,
/// <c>base_model.model.lm_head.weight</c>.
/// </remarks>
public sealed class LoraLayout
{
    /// <summary>The prefix PEFT puts before every model name in <c>adapter_model.safetensors</c>.</summary>
    public const string PeftPrefix = "base_model.model.";

    /// <summary>The projections LoRA can adapt: every decoder layer's attention and MLP projections.</summary>
    private static readonly string[] Projections = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];

    private LoraLayout(IReadOnlyList<AdaptedProjection> adapted, IReadOnlyList<ParameterInfo> saved)
    {
        Adapted = adapted;
        SavedParameters = saved;
    }

    /// <summary>The adapted projections, in layer order then q, k, v, o, gate, up, down.</summary>
    public IReadOnlyList<AdaptedProjection> Adapted { get; }

    /// <summary>The parameters of the modules to save (trained in full, saved in the adapter file), in state-dict order.</summary>
    public IReadOnlyList<ParameterInfo> SavedParameters { get; }

    /// <summary>The PEFT file name of a model tensor name.</summary>
    public static string PeftName(string modelName) => PeftPrefix + modelName;

    /// <summary>
    /// Resolves <paramref name="lora"/> on a model of <paramref name="model"/>'s shape.
    /// </summary>
    /// <exception cref="ArgumentException">The LoRA config is invalid, a target module matches no adaptable projection,
    /// or a module to save matches no parameter of the model (the message names it and lists what exists;
    /// <see cref="ArgumentException.ParamName"/> is <c>TargetModules</c> or <c>ModulesToSave</c>).</exception>
    public static LoraLayout Resolve(LlamaConfig model, LoraConfig lora)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lora);
        lora.Validate();
        var shapes = HuggingFaceCheckpoint.ParameterShapes(model);
        var adapted = new List<AdaptedProjection>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int layer = 0; layer < model.NumHiddenLayers; layer++)
            foreach (string projection in Projections)
            {
                string module = $"model.layers.{layer}.{projection}";
                string? target = lora.TargetModules.FirstOrDefault(t => LoraConfig.ModuleMatches(module, t));
                if (target is null) continue;
                used.Add(target);
                var shape = shapes[module + ".weight"];
                adapted.Add(new AdaptedProjection(module, shape[1], shape[0], lora.Rank));
            }
        foreach (string target in lora.TargetModules)
            if (!used.Contains(target))
                throw new ArgumentException($"LoRA target module '{target}' is not present: LoRA adapts the decoder projections q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj and down_proj (e.g. 'q_proj' or 'layers.0.self_attn.q_proj').", nameof(LoraConfig.TargetModules));

        var saved = new List<ParameterInfo>();
        foreach (string entry in lora.ModulesToSave)
        {
            var matches = shapes.Keys.Where(name => EnclosingModules(name).Any(module => LoraConfig.ModuleMatches(module, entry))).ToArray();
            if (matches.Length == 0)
                throw new ArgumentException($"Module to save '{entry}' is not present in the model (modules: embed_tokens, {(model.TieWordEmbeddings ? "" : "lm_head, ")}norm, the layers' norms and projections).", nameof(LoraConfig.ModulesToSave));
            foreach (string name in matches)
            {
                if (adapted.Any(a => name.StartsWith(a.Module + ".", StringComparison.Ordinal)))
                    throw new ArgumentException($"Module to save '{entry}' includes the adapted projection '{name}'; a module is either adapted or saved in full.", nameof(LoraConfig.ModulesToSave));
                if (saved.All(p => p.Name != name)) saved.Add(new ParameterInfo(name, shapes[name], Trainable: true));
            }
        }
        var order = HuggingFaceCheckpoint.ParameterNames(model);
        saved.Sort((a, b) => IndexOf(order, a.Name).CompareTo(IndexOf(order, b.Name)));
        return new LoraLayout(adapted, saved);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }

    /// <summary>The module paths enclosing a parameter, innermost first (<c>model.layers.0.mlp.up_proj</c>, <c>model.layers.0.mlp</c>, ...).</summary>
    private static IEnumerable<string> EnclosingModules(string parameterName)
    {
        for (int dot = parameterName.LastIndexOf('.'); dot > 0; dot = parameterName.LastIndexOf('.', dot - 1))
            yield return parameterName[..dot];
    }

    /// <summary>
    /// The initial adapters for <paramref name="seed"/>, by model name in <see cref="Adapted"/> order (A then B of each),
    /// identical on every engine: A Kaiming-uniform as PEFT initialises it (<c>kaiming_uniform_(a = √5)</c>, i.e. uniform
    /// in <c>[−1/√in, 1/√in]</c>), drawn row-major from one <see cref="Randomness.SeededRandom"/>; B zero.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, TensorData>> InitialAdapters(long seed)
    {
        var random = new Randomness.SeededRandom(seed);
        var result = new List<KeyValuePair<string, TensorData>>(2 * Adapted.Count);
        foreach (var a in Adapted)
        {
            double bound = 1 / Math.Sqrt(a.InFeatures);
            var values = new float[a.Rank * a.InFeatures];
            for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * random.NextDouble() - 1) * bound);
            result.Add(new(a.AName, new TensorData(values, a.Rank, a.InFeatures)));
            result.Add(new(a.BName, new TensorData(new float[a.OutFeatures * a.Rank], a.OutFeatures, a.Rank)));
        }
        return result;
    }

    /// <summary>
    /// The adapter file's tensors by PEFT name, in <see cref="PeftTensors"/> order, from an engine's adapters
    /// (<paramref name="adapter"/>(i) gives the A and B of <see cref="Adapted"/>[i]) and its saved modules
    /// (<paramref name="savedParameter"/>(model name)).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, TensorData>> CollectAdapter(Func<int, (TensorData A, TensorData B)> adapter, Func<string, TensorData> savedParameter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(savedParameter);
        var result = new List<KeyValuePair<string, TensorData>>();
        for (int i = 0; i < Adapted.Count; i++)
        {
            var (a, b) = adapter(i);
            result.Add(new(PeftName(Adapted[i].AName), a));
            result.Add(new(PeftName(Adapted[i].BName), b));
        }
        foreach (var saved in SavedParameters) result.Add(new(PeftName(saved.Name), savedParameter(saved.Name)));
        return result;
    }

    /// <summary>
    /// Checks <paramref name="tensors"/> (PEFT names) against <see cref="PeftTensors"/> in full, then hands each
    /// adapter's A and B to <paramref name="adapter"/>(i, A, B) and each saved parameter to
    /// <paramref name="savedParameter"/>(model name, value); nothing is handed over unless all are valid.
    /// </summary>
    /// <exception cref="Models.StateDictMismatchException">A tensor is missing, unexpected, mis-shaped or not finite; every one is named.</exception>
    public void DistributeAdapter(IReadOnlyDictionary<string, TensorData> tensors, string owner, Action<int, TensorData, TensorData> adapter, Action<string, TensorData> savedParameter)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        HuggingFaceCheckpoint.CheckWeights(tensors, PeftTensors().Select(t => new ParameterInfo(t.Key, t.Value, Trainable: true)), owner);
        for (int i = 0; i < Adapted.Count; i++)
            adapter(i, tensors[PeftName(Adapted[i].AName)], tensors[PeftName(Adapted[i].BName)]);
        foreach (var saved in SavedParameters) savedParameter(saved.Name, tensors[PeftName(saved.Name)]);
    }

    /// <summary>Every tensor of the adapter file by PEFT name, with its shape: <c>lora_A</c>, <c>lora_B</c> of each adapted
    /// projection, then the parameters of the modules to save.</summary>
    public IReadOnlyList<KeyValuePair<string, int[]>> PeftTensors()
    {
        var result = new List<KeyValuePair<string, int[]>>();
        foreach (var a in Adapted)
        {
            result.Add(new(PeftName(a.AName), [a.Rank, a.InFeatures]));
            result.Add(new(PeftName(a.BName), [a.OutFeatures, a.Rank]));
        }
        foreach (var p in SavedParameters) result.Add(new(PeftName(p.Name), p.Shape.ToArray()));
        return result;
    }
}

/// <summary>One projection <c>W [out, in]</c> adapted by LoRA of rank r.</summary>
/// <param name="Module">Its dotted module path, e.g. <c>model.layers.0.self_attn.q_proj</c>.</param>
/// <param name="InFeatures">in.</param>
/// <param name="OutFeatures">out.</param>
/// <param name="Rank">r.</param>
public sealed record AdaptedProjection(string Module, int InFeatures, int OutFeatures, int Rank)
{
    /// <summary>The decoder layer index (<c>model.layers.{Layer}.…</c>).</summary>
    public int Layer => int.Parse(Module.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The projection's path inside its layer: <c>self_attn.q_proj</c>, …, <c>mlp.down_proj</c>.</summary>
    public string Projection => string.Join('.', Module.Split('.').Skip(3));

    /// <summary>The model name of <c>A [r, in]</c>: <c>{Module}.lora_A.weight</c>.</summary>
    public string AName => Module + ".lora_A.weight";

    /// <summary>The model name of <c>B [out, r]</c>: <c>{Module}.lora_B.weight</c>.</summary>
    public string BName => Module + ".lora_B.weight";
}
