namespace Reversal.Training.FineTuning;

/// <summary>
/// Hyper-parameters of LoRA (Hu et al., arXiv 2106.09685), engine-neutral and named as Hugging Face PEFT's
/// <c>LoraConfig</c>. Each targeted projection <c>W [out, in]</c> gains <c>A [r, in]</c> and <c>B [out, r]</c>:
/// <c>y = x Wᵀ + (alpha / r) · dropout(x) Aᵀ Bᵀ</c>, with W frozen, A Kaiming-uniform and B zero (so the adapted model
/// starts exactly at the base model).
/// </summary>
public sealed record LoraConfig
{
    /// <summary>The seven Llama projections: <c>q_proj k_proj v_proj o_proj gate_proj up_proj down_proj</c>.</summary>
    public static IReadOnlyList<string> AllLlamaProjections { get; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>The attention projections only: <c>q_proj k_proj v_proj o_proj</c>.</summary>
    public static IReadOnlyList<string> AttentionProjections { get; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>The rank r of the update <c>B·A</c> (PEFT's <c>r</c>); default 8.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>alpha (PEFT's <c>lora_alpha</c>): the update is scaled by <c>alpha / r</c>; default 16.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout probability on the adapter's input (PEFT's <c>lora_dropout</c>), in [0, 1); default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// The projections that get adapters, by module name as PEFT matches them: a module is targeted when its dotted
    /// path equals an entry or ends with <c>"." + entry</c> (<c>q_proj</c> targets every layer's query projection,
    /// <c>layers.0.self_attn.q_proj</c> only layer 0's). Default <see cref="AllLlamaProjections"/>.
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = AllLlamaProjections;

    /// <summary>
    /// Modules trained in full beside the adapters and saved in the adapter file (PEFT's <c>modules_to_save</c>), for
    /// example <c>embed_tokens</c> and <c>lm_head</c>; an entry matches a module (or any module enclosing a parameter) as in
    /// <see cref="TargetModules"/>. Default none.
    /// </summary>
    public IReadOnlyList<string> ModulesToSave { get; init; } = [];

    /// <summary>The base model's name or path, written as <c>base_model_name_or_path</c> (informational).</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>The update's scale <c>alpha / r</c>.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentOutOfRangeException">r ≤ 0, alpha not positive and finite, or dropout outside [0, 1).</exception>
    /// <exception cref="ArgumentException">No target module, an empty or repeated name, or a module both targeted and saved.</exception>
    public void Validate()
    {
        if (Rank <= 0) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "The LoRA rank r must be positive.");
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LoRA alpha must be positive and finite.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "LoRA dropout must be in [0, 1).");
        ArgumentNullException.ThrowIfNull(TargetModules);
        ArgumentNullException.ThrowIfNull(ModulesToSave);
        if (TargetModules.Count == 0) throw new ArgumentException("LoRA needs at least one target module (e.g. q_proj, v_proj).", nameof(TargetModules));
        CheckNames(TargetModules, nameof(TargetModules));
        CheckNames(ModulesToSave, nameof(ModulesToSave));
        foreach (string saved in ModulesToSave)
            if (TargetModules.Contains(saved, StringComparer.Ordinal))
                throw new ArgumentException($"Module '{saved}' is both a LoRA target and a module to save; choose one.", nameof(ModulesToSave));
    }

    private static void CheckNames(IReadOnlyList<string> names, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.') || name.EndsWith('.'))
                throw new ArgumentException($"{field} holds an invalid module name '{name}'.", field);
            if (!seen.Add(name)) throw new ArgumentException($"{field} names '{name}' twice.", field);
        }
    }

    /// <summary>True when the module at dotted <paramref name="modulePath"/> is matched by <paramref name="entry"/>
    /// (equal, or ending in <c>"." + entry</c>), PEFT's rule for a list of module names.</summary>
    public static bool ModuleMatches(string modulePath, string entry) =>
        modulePath == entry || modulePath.EndsWith("." + entry, StringComparison.Ordinal);

    /// <inheritdoc />
    public bool Equals(LoraConfig? other) =>
        other is not null && Rank == other.Rank && Alpha.Equals(other.Alpha) && Dropout.Equals(other.Dropout)
        && TargetModules.SequenceEqual(other.TargetModules) && ModulesToSave.SequenceEqual(other.ModulesToSave)
        && BaseModelNameOrPath == other.BaseModelNameOrPath;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, Alpha, Dropout, TargetModules.Count, ModulesToSave.Count, BaseModelNameOrPath);
}
