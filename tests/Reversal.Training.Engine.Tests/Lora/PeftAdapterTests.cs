using System.Text.Json;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Lora;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Engine.Tests.Serialization;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Engine.Tests.Lora;

/// <summary>
/// Adapters in Hugging Face PEFT's layout: one written by an independent PyTorch script (make_peft_lora_fixture.py,
/// PEFT's names and shapes, modules_to_save) loads and reproduces the script's logits; ours round-trip and load in
/// that script; malformed folders are refused naming the file and the field or tensor.
/// </summary>
public class PeftAdapterTests
{
    /// <summary>As HuggingFaceFixtureTests: float32 forward of the fixture model against PyTorch's float32.</summary>
    private static readonly Tolerance Logits = new(2e-5, 2e-5);

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static LlamaModel FixtureBase() => LlamaModel.Load(FixtureFiles.Folder("hf-llama-f32"));

    private static float[] Logits_(LlamaModel model, int[][] ids)
    {
        using (GradMode.NoGrad()) return model.Forward(ids.SelectMany(r => r).ToArray(), ids.Length, ids[0].Length).ToArray();
    }

    private static float[] ExpectedLogits(string json)
    {
        using var document = JsonDocument.Parse(json);
        var values = new List<float>();
        FixtureFiles.Flatten(document.RootElement.GetProperty("logits"), values);
        return values.ToArray();
    }

    [Test]
    public void A_PEFT_adapter_written_by_PyTorch_loads_and_gives_its_logits()
    {
        string folder = FixtureFiles.Folder("peft-lora");
        var (ids, _, expected) = FixtureFiles.RecordedLogits(folder);
        var lora = LoraModel.Load(FixtureBase(), folder);

        Assert.That(lora.Lora.Rank, Is.EqualTo(4));
        Assert.That(lora.Lora.Alpha, Is.EqualTo(8));
        Assert.That(lora.Lora.Dropout, Is.EqualTo(0.05));
        Assert.That(lora.Lora.ModulesToSave, Is.EqualTo(new[] { "embed_tokens", "lm_head" }));
        Assert.That(lora.Adapters, Has.Count.EqualTo(14), "7 projections × 2 layers");
        Compare.Close(Logits_(lora.Base, ids), TestData.ToDouble(expected), Logits, "LoRA logits vs the PyTorch reference");
        // And merged: the same function within float32 rounding.
        lora.Merge();
        Compare.Close(Logits_(lora.Base, ids), TestData.ToDouble(expected), Logits, "merged logits vs the PyTorch reference");
    }

    [Test]
    public void Save_then_load_round_trips_bit_for_bit_with_PEFT_names_and_shapes()
    {
        var lora = LoraModel.Apply(TinyLlama.Create(5), new LoraConfig { Rank = 3, Alpha = 6, TargetModules = ["q_proj", "down_proj"], ModulesToSave = ["lm_head"], BaseModelNameOrPath = "tiny" }, seed: 2);
        LoraModelTests.Randomise(lora, 8);
        string dir = _temp.File("adapter");
        lora.SaveAdapter(dir);

        Assert.That(Directory.EnumerateFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "adapter_config.json", "adapter_model.safetensors" }));
        using (var file = SafeTensorsFile.Open(Path.Combine(dir, PeftAdapter.WeightsFileName)))
        {
            Assert.That(file.GetInfo("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").Shape, Is.EqualTo(new long[] { 3, 8 }));
            Assert.That(file.GetInfo("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight").Shape, Is.EqualTo(new long[] { 8, 3 }));
            Assert.That(file.GetInfo("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").Shape, Is.EqualTo(new long[] { 3, 12 }));
            Assert.That(file.GetInfo("base_model.model.lm_head.weight").Shape, Is.EqualTo(new long[] { 11, 8 }));
            Assert.That(file.Names.Count(), Is.EqualTo(2 * 2 * 2 + 1));
        }
        var loaded = LoraModel.Load(TinyLlama.Create(5), dir);
        Assert.That(loaded.Lora, Is.EqualTo(lora.Lora));
        var expected = lora.ExportAdapter();
        var actual = loaded.ExportAdapter();
        Assert.That(actual.Select(t => t.Key), Is.EqualTo(expected.Select(t => t.Key)));
        for (int i = 0; i < expected.Count; i++) Assert.That(TestData.Bits(actual[i].Value.Values), Is.EqualTo(TestData.Bits(expected[i].Value.Values)), expected[i].Key);
        var batch = TinyLlama.CausalBatch(3);
        using (GradMode.NoGrad()) Assert.That(loaded.Base.Forward(batch).ToArray(), Is.EqualTo(lora.Base.Forward(batch).ToArray()));
    }

    [Test]
    public void An_adapter_saved_here_loads_in_the_independent_PEFT_reader_and_gives_our_logits()
    {
        var lora = LoraModel.Apply(FixtureBase(), new LoraConfig { Rank = 2, Alpha = 5, TargetModules = ["k_proj", "up_proj"], ModulesToSave = ["embed_tokens"] }, seed: 3);
        LoraModelTests.Randomise(lora, 9);
        Samples.Normal(77, lora.Base.Backbone.EmbedTokens.Weight.Count).CopyTo(lora.Base.Backbone.EmbedTokens.Weight.AsSpan());
        string dir = _temp.File("ours");
        lora.SaveAdapter(dir);
        var (ids, _, _) = FixtureFiles.RecordedLogits(FixtureFiles.Folder("hf-llama-f32"));
        string output = FixtureFiles.RunPythonScript("make_peft_lora_fixture.py", "--verify", dir);
        Compare.Close(Logits_(lora.Base, ids), TestData.ToDouble(ExpectedLogits(output)), Logits, "our logits vs the reference reading our adapter");
    }

    private string CopyFixture()
    {
        string dir = _temp.File("copy");
        Directory.CreateDirectory(dir);
        foreach (string file in Directory.EnumerateFiles(FixtureFiles.Folder("peft-lora"))) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }

    private void EditConfig(string dir, Action<Dictionary<string, object?>> edit)
    {
        string path = Path.Combine(dir, PeftAdapterConfigJson.FileName);
        var config = JsonSerializer.Deserialize<Dictionary<string, object?>>(File.ReadAllText(path))!;
        edit(config);
        File.WriteAllText(path, JsonSerializer.Serialize(config));
    }

    [TestCase("peft_type", "\"IA3\"", "peft_type", "\"IA3\"")]
    [TestCase("r", "0", "r", "positive")]
    [TestCase("lora_alpha", "-1", "lora_alpha", "positive")]
    [TestCase("lora_dropout", "1.5", "lora_dropout", "[0, 1)")]
    [TestCase("target_modules", "[\"q_proj\", \"qkv_proj\"]", "target_modules", "'qkv_proj'")]
    [TestCase("target_modules", "\".*proj\"", "target_modules", "regular expression")]
    [TestCase("modules_to_save", "[\"wte\"]", "modules_to_save", "'wte'")]
    [TestCase("bias", "\"all\"", "bias", "\"all\"")]
    [TestCase("use_dora", "true", "use_dora", "true is not supported")]
    [TestCase("rank_pattern", "{\"q_proj\": 8}", "rank_pattern", "not supported")]
    [TestCase("use_fancy_new_thing", "true", "use_fancy_new_thing", "unknown PEFT option")]
    public void An_invalid_adapter_config_is_refused_naming_file_and_field(string field, string json, string expectedField, string fragment)
    {
        string dir = CopyFixture();
        EditConfig(dir, c => c[field] = JsonSerializer.Deserialize<JsonElement>(json));
        var ex = Assert.Throws<CheckpointFormatException>(() => LoraModel.Load(FixtureBase(), dir))!;
        Assert.That(ex.Field, Is.EqualTo(expectedField));
        Assert.That(ex.FilePath, Does.EndWith(PeftAdapterConfigJson.FileName));
        Assert.That(ex.Message, Does.Contain(fragment));
    }

    [Test]
    public void A_missing_field_and_neutral_unknown_options_are_told_apart()
    {
        string dir = CopyFixture();
        EditConfig(dir, c => { c["some_future_option"] = null; c["another"] = JsonSerializer.Deserialize<JsonElement>("{}"); });
        Assert.DoesNotThrow(() => LoraModel.Load(FixtureBase(), dir), "neutral unknown options are accepted");
        EditConfig(dir, c => c.Remove("r"));
        var ex = Assert.Throws<CheckpointFormatException>(() => LoraModel.Load(FixtureBase(), dir))!;
        Assert.That(ex.Field, Is.EqualTo("r"));
    }

    [Test]
    public void A_mis_shaped_missing_or_extra_tensor_is_refused_with_its_name_and_shapes()
    {
        string dir = CopyFixture();
        string weights = Path.Combine(dir, PeftAdapter.WeightsFileName);
        Dictionary<string, TensorData> tensors;
        using (var file = SafeTensorsFile.Open(weights)) tensors = file.ReadAll();
        const string name = "base_model.model.model.layers.1.mlp.up_proj.lora_B.weight";

        var misShaped = new Dictionary<string, TensorData>(tensors) { [name] = new TensorData(new float[64 * 5], 64, 5) };
        SafeTensorsWriter.Write(weights, misShaped);
        var ex = Assert.Throws<CheckpointFormatException>(() => LoraModel.Load(FixtureBase(), dir))!;
        Assert.That(ex.Field, Is.EqualTo(name));
        Assert.That(ex.Message, Does.Contain("[64, 5]").And.Contain("[64, 4]"));

        var missing = new Dictionary<string, TensorData>(tensors);
        missing.Remove(name);
        SafeTensorsWriter.Write(weights, missing);
        ex = Assert.Throws<CheckpointFormatException>(() => LoraModel.Load(FixtureBase(), dir))!;
        Assert.That(ex.Field, Is.EqualTo(name));

        var extra = new Dictionary<string, TensorData>(tensors) { ["base_model.model.model.norm.weight"] = new TensorData(new float[32], 32) };
        SafeTensorsWriter.Write(weights, extra);
        ex = Assert.Throws<CheckpointFormatException>(() => LoraModel.Load(FixtureBase(), dir))!;
        Assert.That(ex.Field, Is.EqualTo("base_model.model.model.norm.weight"));

        var nonFinite = new Dictionary<string, TensorData>(tensors);
        var values = (float[])tensors[name].Values.Clone();
        values[3] = float.NaN;
        nonFinite[name] = new TensorData(values, tensors[name].Shape.ToArray());
        SafeTensorsWriter.Write(weights, nonFinite);
        ex = Assert.Throws<CheckpointFormatException>(() => LoraModel.Load(FixtureBase(), dir))!;
        Assert.That(ex.Field, Is.EqualTo(name));
    }
}
