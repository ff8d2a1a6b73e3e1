using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Training.Serialization;

namespace Reversal.Training.FineTuning;

/// <summary>
/// Hugging Face PEFT's <c>adapter_config.json</c> for a LoRA adapter: writing a <see cref="LoraConfig"/> and reading
/// one back with every field validated.
/// </summary>
/// <remarks>
/// <para>Written as PEFT writes it: keys sorted, two-space indentation; <c>peft_type</c> "LORA", <c>task_type</c>
/// "CAUSAL_LM", <c>bias</c> "none", <c>r</c>, <c>lora_alpha</c>, <c>lora_dropout</c>, <c>target_modules</c>,
/// <c>modules_to_save</c> (null when none), <c>base_model_name_or_path</c> and PEFT's neutral values of its other
/// options.</para>
/// <para>Reading. Required: <c>peft_type</c> = "LORA", <c>r</c> (positive integer), <c>lora_alpha</c> (positive),
/// <c>target_modules</c> (an array of module names; PEFT's regular-expression string form is refused). Optional:
/// <c>lora_dropout</c> in [0, 1) (0), <c>modules_to_save</c> (array or null), <c>base_model_name_or_path</c>,
/// <c>task_type</c> = "CAUSAL_LM", <c>bias</c> = "none". PEFT options that would change the computation must hold their
/// neutral value: <c>fan_in_fan_out</c>, <c>use_rslora</c>, <c>use_dora</c>, <c>lora_bias</c> false;
/// <c>rank_pattern</c>, <c>alpha_pattern</c> empty; <c>layers_to_transform</c>, <c>layers_pattern</c>,
/// <c>layer_replication</c>, <c>exclude_modules</c>, <c>trainable_token_indices</c> null. Bookkeeping fields
/// (<c>inference_mode</c>, <c>init_lora_weights</c>, <c>revision</c>, <c>auto_mapping</c>, <c>megatron_*</c>,
/// <c>loftq_config</c>, <c>peft_version</c>) are accepted as they are. Any other field is accepted only with a neutral
/// value (null, false, {} or []): a newer PEFT option that changes the adapter is refused by name rather than ignored.
/// Every problem throws <see cref="CheckpointFormatException"/> naming the file and the field.</para>
/// </remarks>
public static class PeftAdapterConfigJson
{
    /// <summary>The file name inside an adapter folder.</summary>
    public const string FileName = "adapter_config.json";

    /// <summary>The largest file read, in bytes (1 MiB).</summary>
    public const long MaxFileBytes = 1L << 20;

    private static readonly string[] MustBeFalse = ["fan_in_fan_out", "use_rslora", "use_dora", "lora_bias"];
    private static readonly string[] MustBeEmpty = ["rank_pattern", "alpha_pattern"];
    private static readonly string[] MustBeNull = ["layers_to_transform", "layers_pattern", "layer_replication", "exclude_modules", "trainable_token_indices"];
    private static readonly string[] Bookkeeping = ["inference_mode", "init_lora_weights", "revision", "auto_mapping", "megatron_config", "megatron_core", "loftq_config", "peft_version"];
    private static readonly string[] Known = ["peft_type", "r", "lora_alpha", "lora_dropout", "target_modules", "modules_to_save", "base_model_name_or_path", "task_type", "bias"];

    /// <summary>The <c>adapter_config.json</c> text for <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">The config is invalid.</exception>
    public static string Serialize(LoraConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var fields = new List<(string Key, Action<Utf8JsonWriter> Write)>
        {
            ("alpha_pattern", w => { w.WriteStartObject(); w.WriteEndObject(); }),
            ("base_model_name_or_path", w => { if (config.BaseModelNameOrPath is null) w.WriteNullValue(); else w.WriteStringValue(config.BaseModelNameOrPath); }),
            ("bias", w => w.WriteStringValue("none")),
            ("fan_in_fan_out", w => w.WriteBooleanValue(false)),
            ("inference_mode", w => w.WriteBooleanValue(true)),
            ("init_lora_weights", w => w.WriteBooleanValue(true)),
            ("layers_pattern", w => w.WriteNullValue()),
            ("layers_to_transform", w => w.WriteNullValue()),
            ("lora_alpha", w => w.WriteRawValue(Number(config.Alpha))),
            ("lora_dropout", w => w.WriteRawValue(Number(config.Dropout, integral: false))),
            ("modules_to_save", w => WriteList(w, config.ModulesToSave, nullWhenEmpty: true)),
            ("peft_type", w => w.WriteStringValue("LORA")),
            ("r", w => w.WriteNumberValue(config.Rank)),
            ("rank_pattern", w => { w.WriteStartObject(); w.WriteEndObject(); }),
            ("revision", w => w.WriteNullValue()),
            ("target_modules", w => WriteList(w, config.TargetModules, nullWhenEmpty: false)),
            ("task_type", w => w.WriteStringValue("CAUSAL_LM")),
            ("use_dora", w => w.WriteBooleanValue(false)),
            ("use_rslora", w => w.WriteBooleanValue(false)),
        };
        return CheckpointJson.SerializeSorted(fields);
    }

    private static void WriteList(Utf8JsonWriter writer, IReadOnlyList<string> items, bool nullWhenEmpty)
    {
        if (items.Count == 0 && nullWhenEmpty) { writer.WriteNullValue(); return; }
        writer.WriteStartArray();
        foreach (string item in items) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }

    /// <summary>An integer-valued number as an integer (PEFT's <c>lora_alpha: 16</c>), otherwise the shortest round-trip form.</summary>
    private static string Number(double value, bool integral = true)
    {
        if (integral && value == Math.Floor(value) && Math.Abs(value) < 1e15) return ((long)value).ToString(CultureInfo.InvariantCulture);
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    /// <summary>Reads and validates the <c>adapter_config.json</c> at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="CheckpointFormatException">The file is too long, not strict JSON, or a field is missing, mistyped,
    /// out of range or unsupported; the message names the file and the field.</exception>
    public static LoraConfig Read(string path) => CheckpointJson.ReadFields(path, MaxFileBytes, "Adapter config", FromJson);

    /// <summary>Parses and validates <c>adapter_config.json</c> content; <paramref name="filePath"/> is used in messages.</summary>
    /// <exception cref="CheckpointFormatException">A field is missing, mistyped, out of range or unsupported.</exception>
    public static LoraConfig Parse(string json, string filePath = FileName) => CheckpointJson.ParseFields(json, filePath, FromJson);

    private static LoraConfig FromJson(CheckpointJsonFields reader)
    {
        string peftType = reader.RequiredString("peft_type");
        if (peftType != "LORA")
            throw reader.Fail("peft_type", $"\"{peftType}\" is not supported: only LoRA adapters (\"LORA\") can be loaded.");
        reader.ExpectString("task_type", "CAUSAL_LM");
        reader.ExpectString("bias", "none");
        int rank = reader.RequiredPositiveInt("r");
        double alpha = reader.OptionalPositiveDouble("lora_alpha") ?? throw reader.Fail("lora_alpha", "the field is missing.");
        double dropout = reader.OptionalFiniteDouble("lora_dropout") ?? 0;
        if (!(dropout >= 0 && dropout < 1)) throw reader.Fail("lora_dropout", $"must be in [0, 1), got {reader.Raw("lora_dropout")}.");
        if (reader.TryGet("target_modules", out var targets) && targets.ValueKind == JsonValueKind.String)
            throw reader.Fail("target_modules", $"the regular expression {StrictJson.Excerpt(targets)} is not supported; list the module names (e.g. [\"q_proj\", \"v_proj\"]).");
        var targetModules = reader.RequiredStringArray("target_modules");
        var modulesToSave = reader.OptionalStringArray("modules_to_save") ?? [];
        string? baseModel = reader.OptionalString("base_model_name_or_path");

        foreach (string field in MustBeFalse)
            if (reader.OptionalBool(field) == true) throw reader.Fail(field, "true is not supported; this LoRA implementation computes the plain update (alpha / r)·B·A.");
        foreach (string field in MustBeEmpty)
            if (reader.TryGet(field, out var value) && !(value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any()))
                throw reader.Fail(field, $"{StrictJson.Excerpt(value)} is not supported; per-module ranks or alphas must be empty ({{}}).");
        foreach (string field in MustBeNull)
            if (reader.TryGet(field, out var value))
                throw reader.Fail(field, $"{StrictJson.Excerpt(value)} is not supported; it must be null.");
        foreach (var property in reader.Element.EnumerateObject())
        {
            string name = property.Name;
            if (Known.Contains(name) || MustBeFalse.Contains(name) || MustBeEmpty.Contains(name) || MustBeNull.Contains(name) || Bookkeeping.Contains(name)) continue;
            if (!IsNeutral(property.Value))
                throw reader.Fail(name, $"unknown PEFT option with value {StrictJson.Excerpt(property.Value)}; it may change the adapter, so it is refused rather than ignored.");
        }

        var config = new LoraConfig
        {
            Rank = rank, Alpha = alpha, Dropout = dropout, TargetModules = targetModules, ModulesToSave = modulesToSave,
            BaseModelNameOrPath = baseModel,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            string field = e.ParamName == nameof(LoraConfig.ModulesToSave) ? "modules_to_save" : "target_modules";
            throw reader.Fail(field, e.Message);
        }
        return config;
    }

    private static bool IsNeutral(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False => true,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        _ => false,
    };
}
