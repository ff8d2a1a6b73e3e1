using System.Text.Json;
using System.Text.Json.Nodes;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.NN;
using Reversal.Training.Serialization;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>Checkpoint folders whose weights or shard index are wrong are refused with the file and tensor named.</summary>
public class CheckpointLoadValidationTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Folder => _temp.Path;
    private string FileIn(string name) => Path.Combine(_temp.Path, name);

    /// <summary>Saves a tiny model, then replaces model.safetensors with <paramref name="edit"/> of its tensors.</summary>
    private void SaveWithEditedWeights(bool tied, Action<Dictionary<string, TensorData>> edit)
    {
        TinyLlama.Create(31, tied).Save(Folder);
        Dictionary<string, TensorData> state;
        using (var file = SafeTensorsFile.Open(FileIn("model.safetensors"))) state = file.ReadAll();
        edit(state);
        SafeTensorsWriter.Write(FileIn("model.safetensors"), state);
    }

    /// <summary>Saves a tiny model in three shards (2000-byte limit over 4.7 KB of float32 weights).</summary>
    private void SaveSharded()
    {
        TinyLlama.Create(32).Save(Folder, new SaveOptions { MaxShardBytes = 2000 });
        Assert.That(Directory.GetFiles(Folder, "model-*-of-00003.safetensors"), Has.Length.EqualTo(3));
    }

    private JsonObject Index() => JsonNode.Parse(File.ReadAllText(FileIn("model.safetensors.index.json")))!.AsObject();

    private void WriteIndex(JsonObject index) => File.WriteAllText(FileIn("model.safetensors.index.json"), index.ToJsonString());

    [Test]
    public void A_missing_folder_is_refused()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => LlamaModel.Load(Path.Combine(Folder, "nope")))!;
        Assert.That(ex.Message, Does.Contain("nope"));
    }

    [Test]
    public void A_folder_without_config_json_is_refused()
    {
        TinyLlama.Create(33).Save(Folder);
        File.Delete(FileIn("config.json"));
        var ex = Assert.Throws<FileNotFoundException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("config.json"));
    }

    [Test]
    public void A_folder_without_weights_is_refused()
    {
        TinyLlama.Create(34).Save(Folder);
        File.Delete(FileIn("model.safetensors"));
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("neither model.safetensors nor model.safetensors.index.json"));
    }

    [Test]
    public void A_missing_tensor_is_named()
    {
        SaveWithEditedWeights(false, state => state.Remove("model.layers.1.mlp.down_proj.weight"));
        var ex = Assert.Throws<StateDictMismatchException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("missing tensor 'model.layers.1.mlp.down_proj.weight'").And.Contain(Folder));
    }

    [Test]
    public void An_unexpected_tensor_is_named()
    {
        SaveWithEditedWeights(false, state => state["model.layers.0.self_attn.q_proj.bias"] = Zeros(8));
        var ex = Assert.Throws<StateDictMismatchException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("unexpected tensor 'model.layers.0.self_attn.q_proj.bias'"));
    }

    [Test]
    public void A_mis_shaped_tensor_is_named()
    {
        SaveWithEditedWeights(false, state => state["model.layers.0.self_attn.k_proj.weight"] = Zeros(8, 8));
        var ex = Assert.Throws<StateDictMismatchException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("'model.layers.0.self_attn.k_proj.weight' has shape [8, 8], expected [4, 8]"));
    }

    [Test]
    public void An_untied_checkpoint_without_lm_head_is_refused()
    {
        SaveWithEditedWeights(false, state => state.Remove("lm_head.weight"));
        var ex = Assert.Throws<StateDictMismatchException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("missing tensor 'lm_head.weight'"));
    }

    [Test]
    public void A_tied_checkpoint_with_an_lm_head_equal_to_the_embedding_is_accepted()
    {
        var model = TinyLlama.Create(31, tied: true);
        SaveWithEditedWeights(true, state => state["lm_head.weight"] = Copy(state["model.embed_tokens.weight"]));
        var loaded = LlamaModel.Load(Folder);
        var batch = TinyLlama.CausalBatch(5);
        Compare.Identical(loaded.Forward(batch).ToArray(), model.Forward(batch).ToArray(), "logits");
    }

    [Test]
    public void A_tied_checkpoint_with_a_different_lm_head_is_refused()
    {
        SaveWithEditedWeights(true, state =>
        {
            var head = Copy(state["model.embed_tokens.weight"]);
            head.Values[3] += 1e-3f;
            state["lm_head.weight"] = head;
        });
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo("lm_head.weight"));
        Assert.That(ex.Message, Does.Contain("tie_word_embeddings").And.Contain("differs from model.embed_tokens.weight"));
    }

    [Test]
    public void Rotary_inv_freq_buffers_of_older_transformers_are_ignored()
    {
        SaveWithEditedWeights(false, state => state["model.layers.0.self_attn.rotary_emb.inv_freq"] = Zeros(2));
        Assert.That(LlamaModel.Load(Folder), Is.Not.Null);
    }

    [Test]
    public void A_corrupt_weights_file_reports_the_SafeTensors_problem()
    {
        TinyLlama.Create(35).Save(Folder);
        var bytes = File.ReadAllBytes(FileIn("model.safetensors"));
        File.WriteAllBytes(FileIn("model.safetensors"), bytes[..^4]);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.FilePath, Is.EqualTo(FileIn("model.safetensors")));
    }

    [Test]
    public void An_index_naming_a_missing_shard_is_refused()
    {
        SaveSharded();
        File.Delete(FileIn("model-00002-of-00003.safetensors"));
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.FilePath, Is.EqualTo(FileIn("model.safetensors.index.json")));
        Assert.That(ex.Message, Does.Contain("shard file 'model-00002-of-00003.safetensors' does not exist"));
    }

    [Test]
    public void An_index_without_weight_map_is_refused()
    {
        SaveSharded();
        var index = Index();
        index.Remove("weight_map");
        WriteIndex(index);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo("weight_map"));
        Assert.That(ex.Message, Does.Contain("missing"));
    }

    [Test]
    public void An_index_listing_a_tensor_twice_is_refused()
    {
        SaveSharded();
        string text = File.ReadAllText(FileIn("model.safetensors.index.json"));
        text = text.Replace("\"model.norm.weight\": ", "\"model.norm.weight\": \"model-00001-of-00003.safetensors\",\n    \"model.norm.weight\": ");
        File.WriteAllText(FileIn("model.safetensors.index.json"), text);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo("weight_map.model.norm.weight"));
        Assert.That(ex.Message, Does.Contain("more than once"));
    }

    [Test]
    public void An_index_mapping_a_tensor_to_the_wrong_shard_is_refused()
    {
        SaveSharded();
        var index = Index();
        var map = index["weight_map"]!.AsObject();
        string actual = map["model.norm.weight"]!.GetValue<string>();
        string other = actual == "model-00001-of-00003.safetensors" ? "model-00002-of-00003.safetensors" : "model-00001-of-00003.safetensors";
        map["model.norm.weight"] = other;
        WriteIndex(index);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo("model.norm.weight"));
        Assert.That(ex.Message, Does.Contain($"maps the tensor to '{other}' but it is stored in '{actual}'"));
    }

    [Test]
    public void An_index_not_listing_a_stored_tensor_is_refused()
    {
        SaveSharded();
        var index = Index();
        index["weight_map"]!.AsObject().Remove("model.norm.weight");
        WriteIndex(index);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo("model.norm.weight"));
        Assert.That(ex.Message, Does.Contain("the index does not list it"));
    }

    [Test]
    public void An_index_listing_a_tensor_no_shard_holds_is_refused()
    {
        SaveSharded();
        var index = Index();
        index["weight_map"]!.AsObject()["model.extra.weight"] = "model-00001-of-00003.safetensors";
        WriteIndex(index);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo("model.extra.weight"));
        Assert.That(ex.Message, Does.Contain("that shard does not contain it"));
    }

    [Test]
    public void A_tensor_stored_in_two_shards_is_refused()
    {
        SaveSharded();
        string shard1 = FileIn("model-00001-of-00003.safetensors");
        Dictionary<string, TensorData> state;
        using (var file = SafeTensorsFile.Open(shard1)) state = file.ReadAll();
        string name = Index()["weight_map"]!.AsObject().First(p => p.Value!.GetValue<string>() == "model-00002-of-00003.safetensors").Key;
        using (var file = SafeTensorsFile.Open(FileIn("model-00002-of-00003.safetensors"))) state[name] = file.ReadTensor(name);
        SafeTensorsWriter.Write(shard1, state);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Field, Is.EqualTo(name));
    }

    [Test]
    public void An_index_with_a_path_instead_of_a_file_name_is_refused()
    {
        SaveSharded();
        var index = Index();
        index["weight_map"]!.AsObject()["model.norm.weight"] = "../elsewhere.safetensors";
        WriteIndex(index);
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("not a plain file name"));
    }

    [Test]
    public void An_index_that_is_not_JSON_is_refused()
    {
        SaveSharded();
        File.WriteAllText(FileIn("model.safetensors.index.json"), "{\"weight_map\": ");
        var ex = Assert.Throws<CheckpointFormatException>(() => LlamaModel.Load(Folder))!;
        Assert.That(ex.Message, Does.Contain("model.safetensors.index.json").And.Contain("not valid JSON"));
    }

    [Test]
    public void A_single_file_takes_precedence_over_an_index_as_in_transformers()
    {
        var single = TinyLlama.Create(36);
        SaveSharded();
        single.Save(Path.Combine(Folder, "other"));
        File.Copy(Path.Combine(Folder, "other", "model.safetensors"), FileIn("model.safetensors"));
        var batch = TinyLlama.CausalBatch(5);
        Compare.Identical(LlamaModel.Load(Folder).Forward(batch).ToArray(), single.Forward(batch).ToArray(), "logits of the single file");
    }

    private static TensorData Zeros(params int[] shape) => new(new float[shape.Aggregate(1, (a, b) => a * b)], shape);

    private static TensorData Copy(TensorData t) => new((float[])t.Values.Clone(), [.. t.Shape]);
}
