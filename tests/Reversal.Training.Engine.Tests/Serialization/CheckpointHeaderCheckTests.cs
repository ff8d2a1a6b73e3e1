using System.Text.Json.Nodes;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>
/// Validate, then allocate: a checkpoint's config.json is compared with its weights' SafeTensors headers before any
/// tensor is read or any model built, so a config describing more than the files hold costs nothing.
/// </summary>
public class CheckpointHeaderCheckTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string FileIn(string name) => Path.Combine(_temp.Path, name);

    /// <summary>A model whose embedding (50,000 × 8 floats, 1.6 MB) dwarfs everything else: reading it would show.</summary>
    private static LlamaConfig LargeVocabulary() => TinyLlama.Config() with { VocabSize = 50_000 };

    private void EditConfig(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(FileIn("config.json")))!.AsObject();
        edit(json);
        File.WriteAllText(FileIn("config.json"), json.ToJsonString());
    }

    [Test]
    public void A_config_that_disagrees_with_the_headers_is_refused_before_any_tensor_is_read()
    {
        LlamaModel.Create(LargeVocabulary(), seed: 1).Save(_temp.Path);
        EditConfig(json => json["intermediate_size"] = 1_000_000);

        var ex = Bounded.Throws<StateDictMismatchException>(() => LlamaModel.Load(_temp.Path), Bounded.Second, maxAllocatedBytes: 400_000);

        Assert.That(ex.Message, Does.Contain($"Checkpoint '{_temp.Path}' does not match its config.json"));
        Assert.That(ex.Message, Does.Contain("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [12, 8], expected [1000000, 8]"));
        Assert.That(ex.Problems, Has.Count.EqualTo(6), "gate, up and down of both layers");
    }

    [Test]
    public void A_config_claiming_more_layers_than_the_files_hold_names_the_first_missing_tensors_only()
    {
        LlamaModel.Create(LargeVocabulary(), seed: 1).Save(_temp.Path);
        EditConfig(json => json["num_hidden_layers"] = 65_535);

        var ex = Bounded.Throws<StateDictMismatchException>(() => LlamaModel.Load(_temp.Path), Bounded.Second, maxAllocatedBytes: 400_000);

        Assert.That(ex.Problems[0], Is.EqualTo("config.json describes 589818 tensors (65535 layers) but the weights hold 21"));
        Assert.That(ex.Problems[1], Is.EqualTo("missing tensor 'model.layers.2.self_attn.q_proj.weight' (expected shape [8, 8])"));
        Assert.That(ex.Problems, Has.Count.EqualTo(HuggingFaceCheckpoint.MaxListedProblems), "the count, then the first missing names");
        Assert.That(ex.Message, Does.Not.Contain("more."));
    }

    [Test]
    public void A_weight_of_a_dtype_other_than_F32_F16_BF16_is_refused_from_the_header()
    {
        TinyLlama.Create(41).Save(_temp.Path);
        Dictionary<string, TensorData> state;
        using (var file = SafeTensorsFile.Open(FileIn("model.safetensors"))) state = file.ReadAll();
        state.Remove("model.norm.weight");
        SafeTensorsWriter.Write(FileIn("model.safetensors"), state);
        // Append model.norm.weight as I32 (8 elements, 32 bytes) by rewriting the header by hand.
        var (header, data) = SafeTensorsMutators.Split(File.ReadAllBytes(FileIn("model.safetensors")))!.Value;
        var json = JsonNode.Parse(header)!.AsObject();
        json["model.norm.weight"] = new JsonObject { ["dtype"] = "I32", ["shape"] = new JsonArray(8), ["data_offsets"] = new JsonArray(data.Length, data.Length + 32) };
        File.WriteAllBytes(FileIn("model.safetensors"), SafeTensorsMutators.Join(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), [.. data, .. new byte[32]]));

        var ex = Assert.Throws<StateDictMismatchException>(() => LlamaModel.Load(_temp.Path))!;
        Assert.That(ex.Problems, Is.EqualTo(new[] { "tensor 'model.norm.weight' has dtype I32; weights must be F32, F16 or BF16" }));
    }

    [Test]
    public void A_tied_checkpoint_with_a_mis_shaped_redundant_head_is_refused_from_the_header()
    {
        TinyLlama.Create(42, tied: true).Save(_temp.Path);
        Dictionary<string, TensorData> state;
        using (var file = SafeTensorsFile.Open(FileIn("model.safetensors"))) state = file.ReadAll();
        state["lm_head.weight"] = new TensorData(new float[8 * 10], 10, 8);
        SafeTensorsWriter.Write(FileIn("model.safetensors"), state);

        var ex = Assert.Throws<StateDictMismatchException>(() => LlamaModel.Load(_temp.Path))!;
        Assert.That(ex.Problems, Is.EqualTo(new[] { "tensor 'lm_head.weight' has shape [10, 8], expected [11, 8]" }));
    }

    [TestCase(SafeTensorsDtype.Float32, 2)]
    [TestCase(SafeTensorsDtype.BFloat16, 4)]
    public void Loading_takes_eight_bytes_per_parameter_as_documented(SafeTensorsDtype dtype, int bytesPerDataByte)
    {
        // 50,000 × 8 embedding and head: 800,000 parameters, 3.2 MB as float32. The bound of LlamaModel.Load's docs:
        // the float32 weights read plus the model built from them, plus the parse of the small files and the modules.
        LlamaModel.Create(LargeVocabulary(), seed: 1).Save(_temp.Path, new SaveOptions { Dtype = dtype });
        long dataBytes = new FileInfo(FileIn("model.safetensors")).Length;

        var (exception, allocated, _) = Bounded.Run(() => LlamaModel.Load(_temp.Path), TimeSpan.FromSeconds(10));

        Assert.That(exception, Is.Null);
        Assert.That(allocated, Is.LessThanOrEqualTo(bytesPerDataByte * dataBytes + 256 * 1024), $"{allocated:N0} bytes for {dataBytes:N0} bytes of weights");
        Assert.That(allocated, Is.GreaterThanOrEqualTo(bytesPerDataByte * dataBytes * 9 / 10), "the measurement sees the weights");
    }

    [Test]
    public void A_context_of_two_billion_positions_loads_without_allocating_for_it_and_runs()
    {
        var model = TinyLlama.Create(43);
        model.Save(_temp.Path);
        EditConfig(json => json["max_position_embeddings"] = int.MaxValue);

        LlamaModel? loaded = null;
        Bounded.Completes(() => loaded = LlamaModel.Load(_temp.Path), Bounded.Second, maxAllocatedBytes: 400_000);

        Assert.That(loaded!.Config.MaxPositionEmbeddings, Is.EqualTo(int.MaxValue));
        var batch = TinyLlama.CausalBatch(6);
        Compare.Identical(loaded.Forward(batch).ToArray(), model.Forward(batch).ToArray(), "logits");
    }
}
