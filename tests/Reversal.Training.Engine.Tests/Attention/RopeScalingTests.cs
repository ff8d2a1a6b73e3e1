using System.Text.Json;
using System.Text.Json.Nodes;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tests.Serialization;
using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Engine.Tests.Attention;

/// <summary>
/// rope_scaling (linear, dynamic, llama3) read from config.json against the inverse frequencies of an independent
/// PyTorch transcription of transformers' rules (make_rope_scaling_fixture.py → rope-scaling.json), and the RoPE
/// tables the model rotates with.
/// </summary>
public class RopeScalingTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureFiles.Root(), "rope-scaling.json")))!.AsArray();
        foreach (var item in document) yield return new TestCaseData(item!.ToJsonString()).SetName("Reference " + item["name"]!.GetValue<string>());
    }

    private static string ConfigJson(int headDim, double theta, int maxPositions, JsonNode? scaling) => new JsonObject
    {
        ["model_type"] = "llama", ["vocab_size"] = 16, ["hidden_size"] = 2 * headDim, ["intermediate_size"] = 8,
        ["num_hidden_layers"] = 1, ["num_attention_heads"] = 2, ["max_position_embeddings"] = maxPositions, ["rope_theta"] = theta,
        ["rope_scaling"] = scaling?.DeepClone(),
    }.ToJsonString();

    [TestCaseSource(nameof(Cases))]
    public void Inverse_frequencies_and_rotations_match_the_reference(string caseJson)
    {
        var c = JsonNode.Parse(caseJson)!;
        int headDim = c["head_dim"]!.GetValue<int>(), maxPositions = c["max_position_embeddings"]!.GetValue<int>(), length = c["seq_len"]!.GetValue<int>();
        double theta = c["rope_theta"]!.GetValue<double>();
        var expected = c["inv_freq"]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();

        var config = LlamaConfigJson.Parse(ConfigJson(headDim, theta, maxPositions, c["rope_scaling"]));
        Assert.That(config.RopeScaling, Is.Not.Null);
        var rope = new RotaryEmbedding(headDim, length, theta, config.RopeScaling, config.MaxPositionEmbeddings);
        var actual = rope.InverseFrequencies;
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-12 * expected[i]), $"inv_freq[{i}]");

        // The rotation at a far position uses exactly those frequencies: compare with cos/sin of the reference angles.
        int position = length - 1;
        var x = Enumerable.Range(0, headDim).Select(i => (float)Math.Sin(i + 1.0)).ToArray();
        var y = new float[headDim];
        rope.Rotate(x, y, position, negateSine: false);
        int half = headDim / 2;
        for (int i = 0; i < half; i++)
        {
            double angle = position * expected[i];
            double first = x[i] * (float)Math.Cos(angle) - x[i + half] * (float)Math.Sin(angle);
            Assert.That(y[i], Is.EqualTo(first).Within(1e-6), $"rotated[{i}] at position {position}");
        }
    }

    [Test]
    public void A_scaled_config_round_trips_through_config_json_and_reaches_the_model()
    {
        var config = new LlamaConfig
        {
            VocabSize = 16, HiddenSize = 32, IntermediateSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, NumKeyValueHeads = 2, MaxPositionEmbeddings = 128,
            RopeTheta = 500000, RopeScaling = RopeScaling.Llama3(8, 1, 4, 64),
        };
        string json = LlamaConfigJson.Serialize(config, SafeTensorsDtype.Float32);
        using (var document = JsonDocument.Parse(json))
            Assert.That(document.RootElement.GetProperty("rope_scaling").GetRawText(), Does.Contain("\"rope_type\": \"llama3\"").And.Contain("\"original_max_position_embeddings\": 64"));
        Assert.That(LlamaConfigJson.Parse(json), Is.EqualTo(config));
        var model = LlamaModel.Create(config, seed: 1);
        Assert.That(model.Rope.InverseFrequencies, Is.EqualTo(RopeScaling.InverseFrequencies(16, 500000, config.RopeScaling, 128, 128)));
        Assert.That(model.Rope.InverseFrequencies[^1], Is.LessThan(new RotaryEmbedding(16, 128, 500000).InverseFrequencies[^1]), "low frequencies are scaled down");
        Assert.That(LlamaConfigJson.Parse(LlamaConfigJson.Serialize(config with { RopeScaling = RopeScaling.Linear(2) }, SafeTensorsDtype.Float32)).RopeScaling, Is.EqualTo(RopeScaling.Linear(2)));
    }

    [TestCase("""{"rope_type": "yarn", "factor": 4.0}""", "rope_type", "\"yarn\"")]
    [TestCase("""{"type": "longrope", "factor": 4.0}""", "type", "\"longrope\"")]
    [TestCase("""{"rope_type": "linear"}""", "factor", "missing")]
    [TestCase("""{"rope_type": "linear", "factor": 0.5}""", "factor", "at least 1")]
    [TestCase("""{"rope_type": "llama3", "factor": 8.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}""", "low_freq_factor", "low_freq_factor")]
    [TestCase("""{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 4.0, "high_freq_factor": 1.0, "original_max_position_embeddings": 8192}""", "high_freq_factor", "greater")]
    [TestCase("""{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0}""", "original_max_position_embeddings", "original_max_position_embeddings")]
    [TestCase("""{"rope_type": "linear", "factor": 2.0, "attention_factor": 1.2}""", "attention_factor", "not supported")]
    [TestCase("""{"rope_type": "linear", "type": "dynamic", "factor": 2.0}""", "type", "contradicts")]
    [TestCase("""{"rope_type": "linear", "factor": 2.0, "low_freq_factor": 1.0}""", "low_freq_factor", "llama3")]
    [TestCase("""{"rope_type": "dynamic", "factor": 2.0, "original_max_position_embeddings": 32}""", "original_max_position_embeddings", "differs")]
    [TestCase("""{"factor": 2.0}""", "rope_type", "missing")]
    public void Unsupported_or_inconsistent_scaling_is_refused_by_name(string scaling, string field, string fragment)
    {
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaConfigJson.Parse(ConfigJson(8, 10000, 64, JsonNode.Parse(scaling)), "m/config.json"))!;
        Assert.That(ex.Field, Is.EqualTo("rope_scaling." + field));
        Assert.That(ex.Message, Does.Contain(fragment));
    }

    [Test]
    public void Default_rope_type_and_rope_parameters_are_read()
    {
        Assert.That(LlamaConfigJson.Parse(ConfigJson(8, 10000, 64, JsonNode.Parse("""{"rope_type": "default"}"""))).RopeScaling, Is.Null);
        var json = JsonNode.Parse(ConfigJson(8, 10000, 64, null))!.AsObject();
        json["rope_parameters"] = JsonNode.Parse("""{"rope_type": "linear", "factor": 3.0, "rope_theta": 10000.0}""");
        Assert.That(LlamaConfigJson.Parse(json.ToJsonString()).RopeScaling, Is.EqualTo(RopeScaling.Linear(3)));
    }
}
