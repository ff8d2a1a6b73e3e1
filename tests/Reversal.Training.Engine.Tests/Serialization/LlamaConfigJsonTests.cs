using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Engine.Llama;
using System.Text.Json.Nodes;
using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>config.json: every field validated, unknown fields ignored, unsupported features refused by name.</summary>
public class LlamaConfigJsonTests
{
    private const string File = "/ckpt/config.json";

    private static JsonObject Valid() => JsonNode.Parse(LlamaConfigJson.Serialize(TinyLlama.Config(), SafeTensorsDtype.Float32))!.AsObject();

    private static CheckpointFormatException Refused(JsonObject json, string field, params string[] fragments) =>
        Refused(json.ToJsonString(), field, fragments);

    private static CheckpointFormatException Refused(string json, string? field, params string[] fragments)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaConfigJson.Parse(json, File))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.InstanceOf<FormatException>());
            Assert.That(ex.FilePath, Is.EqualTo(File));
            Assert.That(ex.Field, Is.EqualTo(field));
            Assert.That(ex.Message, Does.Contain(File));
            if (field is not null) Assert.That(ex.Message, Does.Contain($"field '{field}'"));
            foreach (string fragment in fragments) Assert.That(ex.Message, Does.Contain(fragment));
        });
        return ex;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Serialize_then_parse_round_trips(bool tied)
    {
        var config = TinyLlama.Config(tied) with { RmsNormEps = 3e-6f, RopeTheta = 500000, InitializerRange = 0.1f };
        Assert.That(LlamaConfigJson.Parse(LlamaConfigJson.Serialize(config, SafeTensorsDtype.BFloat16), File), Is.EqualTo(config));
    }

    [Test]
    public void Unknown_fields_are_ignored()
    {
        var json = Valid();
        json["bos_token_id"] = 1;
        json["transformers_version"] = "4.44.0";
        json["use_cache"] = true;
        json["pretraining_tp"] = 1;
        json["quirk"] = new JsonObject { ["nested"] = new JsonArray(1, 2) };
        Assert.That(LlamaConfigJson.Parse(json.ToJsonString(), File), Is.EqualTo(TinyLlama.Config()));
    }

    [Test]
    public void Optional_fields_take_the_transformers_defaults()
    {
        const string minimal = "{\"vocab_size\": 11, \"hidden_size\": 8, \"intermediate_size\": 12, \"num_hidden_layers\": 2, \"num_attention_heads\": 2}";
        var config = LlamaConfigJson.Parse(minimal, File);
        Assert.Multiple(() =>
        {
            Assert.That(config.KeyValueHeads, Is.EqualTo(2));
            Assert.That(config.MaxPositionEmbeddings, Is.EqualTo(2048));
            Assert.That(config.RmsNormEps, Is.EqualTo(1e-6f));
            Assert.That(config.RopeTheta, Is.EqualTo(10000.0));
            Assert.That(config.InitializerRange, Is.EqualTo(0.02f));
            Assert.That(config.TieWordEmbeddings, Is.False);
        });
    }

    [Test]
    public void Null_optional_fields_take_the_defaults()
    {
        var json = Valid();
        json["num_key_value_heads"] = null;
        json["torch_dtype"] = null;
        Assert.That(LlamaConfigJson.Parse(json.ToJsonString(), File).KeyValueHeads, Is.EqualTo(2));
    }

    [TestCase("vocab_size")]
    [TestCase("hidden_size")]
    [TestCase("intermediate_size")]
    [TestCase("num_hidden_layers")]
    [TestCase("num_attention_heads")]
    public void A_missing_required_field_is_refused(string field)
    {
        var json = Valid();
        json.Remove(field);
        Refused(json, field, "missing", "required");
    }

    [TestCase("hidden_size", "\"8\"", "must be an integer, got a JSON string")]
    [TestCase("num_hidden_layers", "2.5", "must be an integer, got 2.5")]
    [TestCase("num_key_value_heads", "1.0", "must be an integer, got 1.0")]
    [TestCase("max_position_embeddings", "true", "must be an integer, got a JSON boolean")]
    [TestCase("rms_norm_eps", "\"1e-5\"", "must be a number, got a JSON string")]
    [TestCase("rope_theta", "[10000]", "must be a number, got a JSON array")]
    [TestCase("tie_word_embeddings", "0", "must be true or false, got a JSON number")]
    [TestCase("hidden_act", "1", "must be a string, got a JSON number")]
    [TestCase("torch_dtype", "32", "must be a string")]
    [TestCase("architectures", "\"LlamaForCausalLM\"", "must be an array of strings, got a JSON string")]
    [TestCase("attention_bias", "\"no\"", "must be true or false")]
    public void A_wrongly_typed_field_is_refused(string field, string value, string problem)
    {
        var json = Valid();
        json[field] = JsonNode.Parse(value);
        Refused(json, field, problem);
    }

    [TestCase("vocab_size", "0", "must be a positive integer")]
    [TestCase("hidden_size", "-8", "must be a positive integer")]
    [TestCase("num_attention_heads", "3000000000", "fits in 32 bits")]
    [TestCase("max_position_embeddings", "0", "must be a positive integer")]
    [TestCase("rms_norm_eps", "0", "must be positive and finite")]
    [TestCase("rms_norm_eps", "1e-60", "is not a positive float32")]
    [TestCase("rope_theta", "1", "must be greater than 1")]
    [TestCase("rope_theta", "-5", "must be positive")]
    [TestCase("initializer_range", "0.0", "must be positive")]
    [TestCase("num_key_value_heads", "3", "does not divide num_attention_heads 2")]
    [TestCase("num_attention_heads", "3", "does not divide hidden_size 8")]
    public void An_out_of_range_field_is_refused(string field, string value, string problem)
    {
        var json = Valid();
        json[field] = JsonNode.Parse(value);
        if (field == "num_attention_heads") json.Remove("head_dim");
        Refused(json, field, problem);
    }

    [Test]
    public void An_odd_head_size_is_refused_naming_the_head_count()
    {
        var json = Valid();
        json["hidden_size"] = 6;
        json["num_attention_heads"] = 2;
        json["num_key_value_heads"] = 2;
        json.Remove("head_dim");
        Refused(json, "num_attention_heads", "head size of 3", "even");
    }

    [Test]
    public void Rope_scaling_of_an_unimplemented_type_is_refused_by_name()
    {
        var json = Valid();
        json["rope_scaling"] = JsonNode.Parse("{\"rope_type\": \"yarn\", \"factor\": 8.0}");
        Refused(json, "rope_scaling.rope_type", "not supported", "yarn");
    }

    [Test]
    public void Default_rope_parameters_of_newer_transformers_are_read()
    {
        var json = Valid();
        json.Remove("rope_theta");
        json["rope_parameters"] = JsonNode.Parse("{\"rope_type\": \"default\", \"rope_theta\": 500000.0}");
        Assert.That(LlamaConfigJson.Parse(json.ToJsonString(), File).RopeTheta, Is.EqualTo(500000.0));
    }

    [Test]
    public void Non_default_rope_parameters_are_refused()
    {
        var json = Valid();
        json["rope_parameters"] = JsonNode.Parse("{\"rope_type\": \"yarn\", \"rope_theta\": 10000.0}");
        Refused(json, "rope_parameters.rope_type", "not supported");
    }

    [TestCase("model_type", "\"mistral\"", "\"mistral\" is not supported")]
    [TestCase("hidden_act", "\"gelu\"", "\"gelu\" is not supported")]
    [TestCase("architectures", "[\"LlamaForSequenceClassification\"]", "only LlamaForCausalLM")]
    [TestCase("attention_bias", "true", "no attention biases")]
    [TestCase("mlp_bias", "true", "no MLP biases")]
    [TestCase("head_dim", "8", "a separate head size is not supported")]
    public void An_unsupported_variant_is_refused(string field, string value, string problem)
    {
        var json = Valid();
        json[field] = JsonNode.Parse(value);
        Refused(json, field, problem);
    }

    [Test]
    public void A_repeated_key_is_refused()
    {
        string json = Valid().ToJsonString().Replace("\"vocab_size\":11", "\"vocab_size\":11,\"vocab_size\":12");
        Refused(json, "vocab_size", "more than once");
    }

    [TestCase("{\"vocab_size\": 11,")]
    [TestCase("")]
    public void Invalid_JSON_is_refused(string json) => Refused(json, null, "not valid JSON");

    [Test]
    public void A_non_object_is_refused() => Refused("[1, 2]", null, "not an object");

    [Test]
    public void Loading_a_checkpoint_reports_the_config_path()
    {
        using var temp = new TempDirectory();
        TinyLlama.Create(1).Save(temp.Path);
        string path = Path.Combine(temp.Path, "config.json");
        var json = JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject();
        json["rope_scaling"] = JsonNode.Parse("{\"type\": \"ntk-by-parts\", \"factor\": 2.0}");
        System.IO.File.WriteAllText(path, json.ToJsonString());

        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(temp.Path))!;
        Assert.That(ex.FilePath, Is.EqualTo(path));
        Assert.That(ex.Field, Is.EqualTo("rope_scaling.type"));
    }
}
