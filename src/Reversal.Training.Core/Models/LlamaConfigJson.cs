using System.Globalization;
using System.Text;
using System.Text.Json;
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
/// <c>rope_scaling</c> null (any scaling is refused as unsupported), and the newer <c>rope_parameters</c> of type
/// "default" only. Other fields are ignored. Every problem throws <see cref="CheckpointFormatException"/> naming the
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
            ("rope_scaling", w => w.WriteNullValue()),
            ("rope_theta", w => w.WriteRawValue(PythonFloat(config.RopeTheta))),
            ("tie_word_embeddings", w => w.WriteBooleanValue(config.TieWordEmbeddings)),
            ("torch_dtype", w => w.WriteStringValue(torchDtype)),
            ("vocab_size", w => w.WriteNumberValue(config.VocabSize)),
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            foreach (var (key, write) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                write(writer);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Reads and validates the <c>config.json</c> at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">A field is missing, mistyped, out of range or unsupported; the message names it.</exception>
    public static LlamaConfig Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint config '{path}' does not exist.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses and validates <c>config.json</c> content; <paramref name="filePath"/> is used in messages.</summary>
    /// <exception cref="CheckpointFormatException">A field is missing, mistyped, out of range or unsupported; the message names it.</exception>
    public static LlamaConfig Parse(string json, string filePath = FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), filePath);
    }

    private static LlamaConfig Parse(byte[] json, string filePath)
    {
        using var document = StrictJson.ParseObject(json, filePath);
        var reader = new FieldReader(document.RootElement, filePath);

        reader.ExpectString("model_type", "llama");
        var architectures = reader.StringArray("architectures");
        if (architectures is { Count: > 0 } && !architectures.Contains("LlamaForCausalLM"))
            throw reader.Fail("architectures", $"[{string.Join(", ", architectures)}] is not supported: only LlamaForCausalLM checkpoints can be loaded.");
        reader.ExpectString("hidden_act", "silu");
        reader.OptionalString("torch_dtype");
        if (reader.OptionalBool("attention_bias") == true) throw reader.Fail("attention_bias", "true is not supported: this Llama has no attention biases.");
        if (reader.OptionalBool("mlp_bias") == true) throw reader.Fail("mlp_bias", "true is not supported: this Llama has no MLP biases.");
        if (reader.IsPresent("rope_scaling"))
            throw reader.Fail("rope_scaling", $"RoPE scaling {reader.Raw("rope_scaling")} is not supported; only plain RoPE (rope_scaling null) can be loaded.");

        int vocab = reader.RequiredPositiveInt("vocab_size");
        int hidden = reader.RequiredPositiveInt("hidden_size");
        int intermediate = reader.RequiredPositiveInt("intermediate_size");
        int layers = reader.RequiredPositiveInt("num_hidden_layers");
        int heads = reader.RequiredPositiveInt("num_attention_heads");
        int kvHeads = reader.OptionalPositiveInt("num_key_value_heads") ?? heads;
        int maxPositions = reader.OptionalPositiveInt("max_position_embeddings") ?? 2048;
        double eps = reader.OptionalPositiveDouble("rms_norm_eps") ?? 1e-6;
        double? topTheta = reader.OptionalPositiveDouble("rope_theta");
        double theta = ReadRopeParameters(reader, topTheta) ?? topTheta ?? 10000.0;
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
            RmsNormEps = (float)eps, RopeTheta = theta, TieWordEmbeddings = tied, InitializerRange = (float)initializerRange,
        };
        config.Validate();
        return config;
    }

    /// <summary>The newer transformers form <c>rope_parameters: {"rope_type": "default", "rope_theta": θ}</c>.</summary>
    private static double? ReadRopeParameters(FieldReader reader, double? topTheta)
    {
        if (!reader.TryGetObject("rope_parameters", out var parameters)) return null;
        foreach (string typeKey in new[] { "rope_type", "type" })
            if (parameters.TryGetProperty(typeKey, out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "default"))
                throw reader.Fail($"rope_parameters.{typeKey}", $"{type.GetRawText()} is not supported; only the default RoPE can be loaded.");
        if (!parameters.TryGetProperty("rope_theta", out var theta) || theta.ValueKind == JsonValueKind.Null) return null;
        if (theta.ValueKind != JsonValueKind.Number || !theta.TryGetDouble(out double value) || !(value > 0) || double.IsInfinity(value))
            throw reader.Fail("rope_parameters.rope_theta", $"must be a positive number, got {theta.GetRawText()}.");
        if (topTheta is { } top && top != value)
            throw reader.Fail("rope_parameters.rope_theta", $"{value} contradicts rope_theta {top}.");
        return value;
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

    /// <summary>Typed access to the root object's fields, each failure naming the file and field.</summary>
    private sealed class FieldReader(JsonElement root, string filePath)
    {
        public CheckpointFormatException Fail(string field, string problem) => new(filePath, field, problem);

        public bool IsPresent(string field) => root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

        public string Raw(string field) => root.GetProperty(field).GetRawText();

        public bool TryGetObject(string field, out JsonElement value)
        {
            if (!root.TryGetProperty(field, out value) || value.ValueKind == JsonValueKind.Null) return false;
            if (value.ValueKind != JsonValueKind.Object)
                throw Fail(field, $"must be an object, got a JSON {StrictJson.Describe(value.ValueKind)}.");
            return true;
        }

        public int RequiredPositiveInt(string field) =>
            OptionalPositiveInt(field) ?? throw Fail(field, "is missing (or null); it is required.");

        public int? OptionalPositiveInt(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Number)
                throw Fail(field, $"must be an integer, got a JSON {StrictJson.Describe(value.ValueKind)} ({value.GetRawText()}).");
            if (!value.TryGetInt64(out long number))
                throw Fail(field, $"must be an integer, got {value.GetRawText()}.");
            if (number < 1 || number > int.MaxValue)
                throw Fail(field, $"must be a positive integer that fits in 32 bits, got {number}.");
            return (int)number;
        }

        public double? OptionalPositiveDouble(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number))
                throw Fail(field, $"must be a number, got a JSON {StrictJson.Describe(value.ValueKind)} ({value.GetRawText()}).");
            if (!(number > 0) || double.IsInfinity(number))
                throw Fail(field, $"must be positive and finite, got {value.GetRawText()}.");
            return number;
        }

        public bool? OptionalBool(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail(field, $"must be true or false, got a JSON {StrictJson.Describe(value.ValueKind)} ({value.GetRawText()})."),
            };
        }

        public string? OptionalString(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
                throw Fail(field, $"must be a string, got a JSON {StrictJson.Describe(value.ValueKind)} ({value.GetRawText()}).");
            return value.GetString();
        }

        public void ExpectString(string field, string expected)
        {
            string? actual = OptionalString(field);
            if (actual is not null && actual != expected)
                throw Fail(field, $"\"{actual}\" is not supported; expected \"{expected}\".");
        }

        public List<string>? StringArray(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Array)
                throw Fail(field, $"must be an array of strings, got a JSON {StrictJson.Describe(value.ValueKind)}.");
            var result = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                    throw Fail(field, $"must be an array of strings, but holds a JSON {StrictJson.Describe(item.ValueKind)} ({item.GetRawText()}).");
                result.Add(item.GetString()!);
            }
            return result;
        }
    }
}
