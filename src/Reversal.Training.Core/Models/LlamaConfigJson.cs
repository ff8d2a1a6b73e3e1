using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Training.Attention;
using Reversal.Training.Serialization;

namespace Reversal.Training.Models;

/// <summary>
/// Hugging Face <c>config.json</c> for <c>LlamaForCausalLM</c>: writing a <see cref="LlamaConfig"/> and reading one
/// back with every field validated.
/// </summary>
/// <remarks>
/// <para>Written like transformers' <c>to_json_string</c>: keys sorted, two-space indentation, trailing newline, floats
/// in Python's shortest form (<c>1e-05</c>, <c>10000.0</c>).</para>
/// <para>Reading. Required: <c>vocab_size</c>, <c>hidden_size</c>, <c>intermediate_size</c>, <c>num_hidden_layers</c>,
/// <c>num_attention_heads</c> (positive integers). Optional, with transformers' <c>LlamaConfig</c> defaults when absent
/// or null: <c>num_key_value_heads</c> (= heads), <c>max_position_embeddings</c> (2048), <c>rms_norm_eps</c> (1e-6),
/// <c>rope_theta</c> (10000), <c>initializer_range</c> (0.02), <c>tie_word_embeddings</c> (false). Checked when present:
/// <c>model_type</c> = "llama", <c>architectures</c> contains "LlamaForCausalLM", <c>hidden_act</c> = "silu",
/// <c>head_dim</c> = hidden / heads, <c>attention_bias</c> and <c>mlp_bias</c> false, <c>torch_dtype</c> a string,
/// <c>rope_scaling</c> null or of type "linear", "dynamic" or "llama3" with exactly that type's fields (see
/// <see cref="RopeScaling"/>; any other type or field is refused by name), and the newer <c>rope_parameters</c> (base and
/// the same scaling types). Other fields are ignored. Every problem throws <see cref="CheckpointFormatException"/> naming the
/// file and the field.</para>
/// </remarks>
public static class LlamaConfigJson
{
    /// <summary>The file name inside a checkpoint folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The <c>torch_dtype</c> string of a saved dtype: "float32", "bfloat16" or "float16".</summary>
    /// <exception cref="ArgumentException">Another dtype.</exception>
    public static string TorchDtypeName(SafeTensorsDtype dtype) => dtype switch
    {
        SafeTensorsDtype.Float32 => "float32",
        SafeTensorsDtype.BFloat16 => "bfloat16",
        SafeTensorsDtype.Float16 => "float16",
        _ => throw new ArgumentException($"No torch_dtype for SafeTensors dtype {dtype} in a Llama checkpoint.", nameof(dtype)),
    };

    /// <summary>The <c>config.json</c> text for <paramref name="config"/> with weights saved as <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentException">The config is inconsistent, or the dtype has no torch_dtype name.</exception>
    public static string Serialize(LlamaConfig config, SafeTensorsDtype dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        string torchDtype = TorchDtypeName(dtype);
        var fields = new List<(string Key, Action<Utf8JsonWriter> Write)>
        {
            ("architectures", w => { w.WriteStartArray(); w.WriteStringValue("LlamaForCausalLM"); w.WriteEndArray(); }),
            ("attention_bias", w => w.WriteBooleanValue(false)),
            ("head_dim", w => w.WriteNumberValue(config.HeadDim)),
            ("hidden_act", w => w.WriteStringValue("silu")),
            ("hidden_size", w => w.WriteNumberValue(config.HiddenSize)),
            ("initializer_range", w => w.WriteRawValue(PythonFloat(config.InitializerRange))),
            ("intermediate_size", w => w.WriteNumberValue(config.IntermediateSize)),
            ("max_position_embeddings", w => w.WriteNumberValue(config.MaxPositionEmbeddings)),
            ("mlp_bias", w => w.WriteBooleanValue(false)),
            ("model_type", w => w.WriteStringValue("llama")),
            ("num_attention_heads", w => w.WriteNumberValue(config.NumAttentionHeads)),
            ("num_hidden_layers", w => w.WriteNumberValue(config.NumHiddenLayers)),
            ("num_key_value_heads", w => w.WriteNumberValue(config.KeyValueHeads)),
            ("rms_norm_eps", w => w.WriteRawValue(PythonFloat(config.RmsNormEps))),
            ("rope_scaling", w => WriteRopeScaling(w, config.RopeScaling)),
            ("rope_theta", w => w.WriteRawValue(PythonFloat(config.RopeTheta))),
            ("tie_word_embeddings", w => w.WriteBooleanValue(config.TieWordEmbeddings)),
            ("torch_dtype", w => w.WriteStringValue(torchDtype)),
            ("vocab_size", w => w.WriteNumberValue(config.VocabSize)),
        };
        return CheckpointJson.SerializeSorted(fields);
    }

    /// <summary>
    /// The largest <c>config.json</c> read, in bytes (16 MiB). Hugging Face configs are a few kilobytes; the bound keeps
    /// the memory a read takes, about twelve times the file's length at most (see <see cref="StrictJson"/>), small.
    /// </summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>Reads and validates the <c>config.json</c> at <paramref name="path"/>.</summary>
    /// <remarks>The file is read whole after its length is checked against <see cref="MaxFileBytes"/>; the values are
    /// checked for type and range only. Whether they fit a checkpoint's weights is checked by
    /// <see cref="HuggingFaceCheckpoint.Read"/> against the weights' headers before any tensor is read.</remarks>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="CheckpointFormatException">The file is longer than <see cref="MaxFileBytes"/>, is not strict
    /// UTF-8 JSON (invalid UTF-8, a lone surrogate escape, a repeated key, ...), or a field is missing, mistyped, out of
    /// range or unsupported; the message names the file, the field and, for a syntax problem, the byte.</exception>
    public static LlamaConfig Read(string path) => CheckpointJson.ReadFields(path, MaxFileBytes, "Checkpoint config", FromJson);

    /// <summary>Parses and validates <c>config.json</c> content; <paramref name="filePath"/> is used in messages.</summary>
    /// <exception cref="CheckpointFormatException">A field is missing, mistyped, out of range or unsupported; the message names it.</exception>
    public static LlamaConfig Parse(string json, string filePath = FileName) => CheckpointJson.ParseFields(json, filePath, FromJson);

    private static LlamaConfig FromJson(CheckpointJsonFields reader)
    {
        reader.ExpectString("model_type", "llama");
        var architectures = reader.OptionalStringArray("architectures");
        if (architectures is { Count: > 0 } && !architectures.Contains("LlamaForCausalLM"))
            throw reader.Fail("architectures", $"{StrictJson.Excerpt(reader.Element.GetProperty("architectures"))} is not supported: only LlamaForCausalLM checkpoints can be loaded.");
        reader.ExpectString("hidden_act", "silu");
        reader.OptionalString("torch_dtype");
        if (reader.OptionalBool("attention_bias") == true) throw reader.Fail("attention_bias", "true is not supported: this Llama has no attention biases.");
        if (reader.OptionalBool("mlp_bias") == true) throw reader.Fail("mlp_bias", "true is not supported: this Llama has no MLP biases.");

        int vocab = reader.RequiredPositiveInt("vocab_size");
        int hidden = reader.RequiredPositiveInt("hidden_size");
        int intermediate = reader.RequiredPositiveInt("intermediate_size");
        int layers = reader.RequiredPositiveInt("num_hidden_layers");
        int heads = reader.RequiredPositiveInt("num_attention_heads");
        int kvHeads = reader.OptionalPositiveInt("num_key_value_heads") ?? heads;
        int maxPositions = reader.OptionalPositiveInt("max_position_embeddings") ?? 2048;
        double eps = reader.OptionalPositiveDouble("rms_norm_eps") ?? 1e-6;
        double? topTheta = reader.OptionalPositiveDouble("rope_theta");
        var (parameterTheta, parameterScaling) = ReadRopeParameters(reader, topTheta, maxPositions);
        double theta = parameterTheta ?? topTheta ?? 10000.0;
        var ropeScaling = reader.TryGetObject("rope_scaling", out var scalingFields) ? ReadRopeScaling(scalingFields, maxPositions, allowTheta: false) : null;
        if (parameterScaling is not null && ropeScaling is not null && parameterScaling != ropeScaling)
            throw reader.Fail("rope_parameters", "its scaling contradicts rope_scaling.");
        ropeScaling ??= parameterScaling;
        double initializerRange = reader.OptionalPositiveDouble("initializer_range") ?? 0.02;
        bool tied = reader.OptionalBool("tie_word_embeddings") ?? false;

        if (hidden % heads != 0)
            throw reader.Fail("num_attention_heads", $"{heads} does not divide hidden_size {hidden}.");
        int headDim = hidden / heads;
        int? declaredHeadDim = reader.OptionalPositiveInt("head_dim");
        if (declaredHeadDim is { } d && d != headDim)
            throw reader.Fail("head_dim", $"{d} differs from hidden_size / num_attention_heads = {headDim}; a separate head size is not supported.");
        if (headDim % 2 != 0)
            throw reader.Fail("num_attention_heads", $"gives a head size of {headDim}, which must be even for RoPE.");
        if (heads % kvHeads != 0)
            throw reader.Fail("num_key_value_heads", $"{kvHeads} does not divide num_attention_heads {heads}.");
        if (!((float)eps > 0f) || float.IsInfinity((float)eps))
            throw reader.Fail("rms_norm_eps", $"{eps} is not a positive float32.");
        if (!(theta > 1))
            throw reader.Fail("rope_theta", $"must be greater than 1, got {theta}.");
        if (!((float)initializerRange > 0f) || float.IsInfinity((float)initializerRange))
            throw reader.Fail("initializer_range", $"{initializerRange} is not a positive float32.");

        var config = new LlamaConfig
        {
            VocabSize = vocab, HiddenSize = hidden, IntermediateSize = intermediate, NumHiddenLayers = layers,
            NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, MaxPositionEmbeddings = maxPositions,
            RmsNormEps = (float)eps, RopeTheta = theta, RopeScaling = ropeScaling, TieWordEmbeddings = tied, InitializerRange = (float)initializerRange,
        };
        config.Validate();
        return config;
    }

    /// <summary>The newer transformers form <c>rope_parameters: {"rope_type": ..., "rope_theta": θ, ...}</c>: the base and the scaling.</summary>
    private static (double? Theta, RopeScaling? Scaling) ReadRopeParameters(CheckpointJsonFields reader, double? topTheta, int maxPositions)
    {
        if (!reader.TryGetObject("rope_parameters", out var parameters)) return (null, null);
        double? value = parameters.OptionalPositiveDouble("rope_theta");
        if (value is { } theta && topTheta is { } top && top != theta)
            throw parameters.Fail("rope_theta", $"{theta} contradicts rope_theta {top}.");
        return (value, ReadRopeScaling(parameters, maxPositions, allowTheta: true));
    }

    private static readonly string[] RopeScalingKeys = ["rope_type", "type", "factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"];

    /// <summary>
    /// A <c>rope_scaling</c> object (or the scaling part of <c>rope_parameters</c>): <c>rope_type</c> (or the legacy
    /// <c>type</c>; both must agree) "default" (no scaling), "linear", "dynamic" or "llama3" and exactly the fields that
    /// type uses; any other type or field is refused by name.
    /// </summary>
    private static RopeScaling? ReadRopeScaling(CheckpointJsonFields fields, int maxPositions, bool allowTheta)
    {
        string? ropeType = fields.OptionalString("rope_type");
        string? legacyType = fields.OptionalString("type");
        if (ropeType is not null && legacyType is not null && ropeType != legacyType)
            throw fields.Fail("type", $"\"{legacyType}\" contradicts rope_type \"{ropeType}\".");
        string typeField = ropeType is not null ? "rope_type" : "type";
        string type = ropeType ?? legacyType ?? (allowTheta ? "default" : throw fields.Fail("rope_type", "the field is missing."));
        foreach (var property in fields.Element.EnumerateObject())
            if (!RopeScalingKeys.Contains(property.Name) && !(allowTheta && property.Name == "rope_theta") && property.Value.ValueKind != JsonValueKind.Null)
                throw fields.Fail(property.Name, $"is not supported for RoPE scaling \"{type}\"; only {string.Join(", ", RopeScalingKeys.Skip(2))} are read.");
        var kind = type switch
        {
            "default" => (RopeScalingType?)null,
            "linear" => RopeScalingType.Linear,
            "dynamic" => RopeScalingType.Dynamic,
            "llama3" => RopeScalingType.Llama3,
            _ => throw fields.Fail(typeField, $"\"{type}\" is not supported; the RoPE scaling types implemented are linear, dynamic and llama3."),
        };
        if (kind is null)
        {
            foreach (string key in RopeScalingKeys.Skip(2))
                if (fields.IsPresent(key)) throw fields.Fail(key, "is not used by the default RoPE.");
            return null;
        }
        double factor = fields.OptionalPositiveDouble("factor") ?? throw fields.Fail("factor", "the field is missing.");
        double? low = fields.OptionalPositiveDouble("low_freq_factor");
        double? high = fields.OptionalPositiveDouble("high_freq_factor");
        int? original = fields.OptionalPositiveInt("original_max_position_embeddings");
        if (kind == RopeScalingType.Dynamic && original is { } o && o != maxPositions)
            throw fields.Fail("original_max_position_embeddings", $"{o} differs from max_position_embeddings {maxPositions}; dynamic scaling rescales from max_position_embeddings, as transformers does.");
        if (kind == RopeScalingType.Dynamic) original = null;
        var scaling = new RopeScaling(kind.Value, factor, low, high, original);
        try
        {
            scaling.Validate();
        }
        catch (ArgumentException e)
        {
            string field = e.ParamName switch
            {
                nameof(RopeScaling.LowFreqFactor) => "low_freq_factor",
                nameof(RopeScaling.HighFreqFactor) => "high_freq_factor",
                nameof(RopeScaling.OriginalMaxPositionEmbeddings) => "original_max_position_embeddings",
                _ => "factor",
            };
            throw fields.Fail(field, e.Message);
        }
        return scaling;
    }

    private static void WriteRopeScaling(Utf8JsonWriter writer, RopeScaling? scaling)
    {
        if (scaling is null) { writer.WriteNullValue(); return; }
        writer.WriteStartObject();
        writer.WritePropertyName("factor"); writer.WriteRawValue(PythonFloat(scaling.Factor));
        if (scaling.HighFreqFactor is { } high) { writer.WritePropertyName("high_freq_factor"); writer.WriteRawValue(PythonFloat(high)); }
        if (scaling.LowFreqFactor is { } low) { writer.WritePropertyName("low_freq_factor"); writer.WriteRawValue(PythonFloat(low)); }
        if (scaling.OriginalMaxPositionEmbeddings is { } original) writer.WriteNumber("original_max_position_embeddings", original);
        writer.WriteString("rope_type", scaling.TypeName);
        writer.WriteEndObject();
    }

    /// <summary>Python's <c>repr</c> of a float32 value (shortest digits that round-trip the float32).</summary>
    private static string PythonFloat(float value) =>
        PythonFloat(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    /// <summary>Python's <c>repr</c> of a double: <c>1e-05</c>, <c>0.02</c>, <c>10000.0</c>.</summary>
    private static string PythonFloat(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        if (e >= 0)
        {
            int exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return $"{text[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):D2}";
        }
        return text.Contains('.') ? text : text + ".0";
    }
}
