using System.Text.Json;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Serialization;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Serialization;

public class CheckpointRoundTripTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static float[] Logits(LlamaModel model) => model.Forward(TinyLlama.CausalBatch(77)).ToArray();

    private string[] FilesIn(string folder) =>
        Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [TestCase(false)]
    [TestCase(true)]
    public void F32_save_then_load_gives_bit_identical_logits(bool tied)
    {
        var model = TinyLlama.Create(11, tied);

        model.Save(_temp.Path);
        var loaded = LlamaModel.Load(_temp.Path);

        Assert.That(loaded.Config, Is.EqualTo(model.Config));
        Compare.Identical(Logits(loaded), Logits(model), "logits");
        foreach (var (name, tensor) in model.StateDict()) Compare.Identical(loaded.StateDict()[name].ToArray(), tensor.ToArray(), name);
        Assert.That(FilesIn(_temp.Path), Is.EqualTo(new[] { "config.json", "model.safetensors" }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void The_weights_file_uses_Hugging_Face_names_and_omits_lm_head_when_tied(bool tied)
    {
        var model = TinyLlama.Create(12, tied);
        model.Save(_temp.Path);

        using var file = SafeTensorsFile.Open(Path.Combine(_temp.Path, "model.safetensors"));
        Assert.That(file.Names, Is.EquivalentTo(model.StateDict().Keys));
        Assert.That(file.Contains("lm_head.weight"), Is.EqualTo(!tied));
        Assert.That(file.Contains("model.layers.1.self_attn.k_proj.weight"), Is.True);
        Assert.That(file.Metadata, Is.EqualTo(new Dictionary<string, string> { ["format"] = "pt" }));
        var reread = file.ReadAll();
        foreach (var (name, tensor) in model.StateDict()) Compare.Identical(reread[name].Values, tensor.ToArray(), name);
    }

    [TestCase(SafeTensorsDtype.BFloat16, "bfloat16")]
    [TestCase(SafeTensorsDtype.Float16, "float16")]
    public void Reduced_precision_save_loads_the_rounded_weights(SafeTensorsDtype dtype, string torchDtype)
    {
        var model = TinyLlama.Create(13);

        model.Save(_temp.Path, new SaveOptions { Dtype = dtype });
        var loaded = LlamaModel.Load(_temp.Path);

        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp.Path, "config.json"))))
            Assert.That(config.RootElement.GetProperty("torch_dtype").GetString(), Is.EqualTo(torchDtype));
        using (var file = SafeTensorsFile.Open(Path.Combine(_temp.Path, "model.safetensors")))
            Assert.That(file.Tensors.Select(t => t.Dtype), Is.All.EqualTo(dtype));

        // the loaded weights are exactly the rounded ones, so the logits equal those of a manually rounded model
        var rounded = TinyLlama.Create(13);
        foreach (var (_, parameter) in rounded.NamedParameters())
        {
            var span = parameter.AsSpan();
            for (int i = 0; i < span.Length; i++)
                span[i] = dtype == SafeTensorsDtype.BFloat16 ? FloatCodec.FromBFloat16Bits(FloatCodec.ToBFloat16Bits(span[i])) : (float)(Half)span[i];
        }
        Compare.Identical(Logits(loaded), Logits(rounded), "logits of the rounded model");

        // and within reduced-precision distance of the original: ~8 (bf16) or 11 (f16) significant bits of every weight
        var original = Logits(model).Select(x => (double)x).ToArray();
        Compare.Close(Logits(loaded), original, dtype == SafeTensorsDtype.BFloat16 ? new Tolerance(0.05, 0.02) : new Tolerance(0.005, 0.002), "logits vs float32");
    }

    [Test]
    public void Config_json_has_the_Hugging_Face_fields()
    {
        var model = TinyLlama.Create(14, tied: true);
        model.Save(_temp.Path, new SaveOptions { Dtype = SafeTensorsDtype.BFloat16 });

        string text = File.ReadAllText(Path.Combine(_temp.Path, "config.json"));
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("architectures").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "LlamaForCausalLM" }));
            Assert.That(root.GetProperty("model_type").GetString(), Is.EqualTo("llama"));
            Assert.That(root.GetProperty("hidden_size").GetInt32(), Is.EqualTo(8));
            Assert.That(root.GetProperty("intermediate_size").GetInt32(), Is.EqualTo(12));
            Assert.That(root.GetProperty("num_attention_heads").GetInt32(), Is.EqualTo(2));
            Assert.That(root.GetProperty("num_key_value_heads").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("num_hidden_layers").GetInt32(), Is.EqualTo(2));
            Assert.That(root.GetProperty("vocab_size").GetInt32(), Is.EqualTo(11));
            Assert.That(root.GetProperty("max_position_embeddings").GetInt32(), Is.EqualTo(16));
            Assert.That(root.GetProperty("tie_word_embeddings").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("torch_dtype").GetString(), Is.EqualTo("bfloat16"));
            Assert.That(root.GetProperty("hidden_act").GetString(), Is.EqualTo("silu"));
            Assert.That(root.GetProperty("rope_scaling").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(text, Does.Contain("\"rms_norm_eps\": 1e-05,"), "Python float form");
            Assert.That(text, Does.Contain("\"rope_theta\": 10000.0,"));
            Assert.That(text, Does.Contain("\"initializer_range\": 0.02,"));
            Assert.That(text, Does.EndWith("}\n"));
        });
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(keys, Is.EqualTo(keys.Order(StringComparer.Ordinal).ToList()), "keys sorted like json.dumps(sort_keys=True)");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Sharded_save_writes_shards_and_an_index_and_reloads_identically(bool tied)
    {
        var model = TinyLlama.Create(15, tied);

        model.Save(_temp.Path, new SaveOptions { MaxShardBytes = 600 });
        var loaded = LlamaModel.Load(_temp.Path);

        Compare.Identical(Logits(loaded), Logits(model), "logits");
        string[] files = FilesIn(_temp.Path);
        var shards = files.Where(f => f.StartsWith("model-", StringComparison.Ordinal)).ToArray();
        Assert.That(shards.Length, Is.GreaterThan(1));
        Assert.That(shards, Is.EqualTo(Enumerable.Range(1, shards.Length).Select(i => $"model-{i:D5}-of-{shards.Length:D5}.safetensors")));
        Assert.That(files, Does.Contain("model.safetensors.index.json").And.Contain("config.json").And.Not.Contain("model.safetensors"));

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp.Path, "model.safetensors.index.json")));
        var weightMap = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.That(weightMap.Keys, Is.EquivalentTo(model.StateDict().Keys));
        long total = 0;
        foreach (string shard in shards)
        {
            using var file = SafeTensorsFile.Open(Path.Combine(_temp.Path, shard));
            long shardBytes = file.Tensors.Sum(t => t.ByteLength);
            Assert.That(shardBytes <= 600 || file.Tensors.Count == 1, Is.True, $"{shard} holds {shardBytes} bytes");
            foreach (var info in file.Tensors) Assert.That(weightMap[info.Name], Is.EqualTo(shard));
            total += shardBytes;
        }
        Assert.That(index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64(), Is.EqualTo(total));
        Assert.That(total, Is.EqualTo(model.ParameterCount * 4));
    }

    [Test]
    public void A_shard_limit_everything_fits_under_writes_a_single_file()
    {
        TinyLlama.Create(16).Save(_temp.Path, new SaveOptions { MaxShardBytes = 1L << 30 });
        Assert.That(FilesIn(_temp.Path), Is.EqualTo(new[] { "config.json", "model.safetensors" }));
    }

    [Test]
    public void Resaving_replaces_stale_weight_files_and_keeps_unrelated_files()
    {
        var first = TinyLlama.Create(17);
        var second = TinyLlama.Create(18);
        File.WriteAllText(Path.Combine(_temp.Path, "tokenizer.json"), "{}");

        first.Save(_temp.Path, new SaveOptions { MaxShardBytes = 400 });
        int firstShards = FilesIn(_temp.Path).Count(f => f.StartsWith("model-", StringComparison.Ordinal));
        second.Save(_temp.Path, new SaveOptions { MaxShardBytes = 1000 });
        Assert.That(FilesIn(_temp.Path).Count(f => f.StartsWith("model-", StringComparison.Ordinal)), Is.LessThan(firstShards), "fewer, differently named shards");
        Compare.Identical(Logits(LlamaModel.Load(_temp.Path)), Logits(second), "second (sharded) checkpoint");

        first.Save(_temp.Path);
        Assert.That(FilesIn(_temp.Path), Is.EqualTo(new[] { "config.json", "model.safetensors", "tokenizer.json" }));
        Compare.Identical(Logits(LlamaModel.Load(_temp.Path)), Logits(first), "first (single-file) checkpoint");

        second.Save(_temp.Path, new SaveOptions { MaxShardBytes = 1000 });
        Assert.That(FilesIn(_temp.Path), Does.Not.Contain("model.safetensors"), "the stale single file would shadow the shards");
        Assert.That(FilesIn(_temp.Path), Does.Contain("tokenizer.json"));
        Compare.Identical(Logits(LlamaModel.Load(_temp.Path)), Logits(second), "second checkpoint again");
    }

    [Test]
    public void Invalid_save_options_are_refused_before_touching_the_folder()
    {
        var model = TinyLlama.Create(19);
        string folder = Path.Combine(_temp.Path, "never-created");
        Assert.Throws<ArgumentException>(() => model.Save(folder, new SaveOptions { MaxShardBytes = 0 }));
        Assert.Throws<ArgumentException>(() => model.Save(folder, new SaveOptions { Dtype = SafeTensorsDtype.Int8 }));
        Assert.That(Directory.Exists(folder), Is.False);
    }

    [Test]
    public void Our_checkpoints_load_in_the_independent_Python_reader_with_identical_bytes_and_logits()
    {
        var cases = new (LlamaModel Model, SaveOptions Options, string Name)[]
        {
            (TinyLlama.Create(21), new SaveOptions(), "f32-untied"),
            (TinyLlama.Create(22, tied: true), new SaveOptions { Dtype = SafeTensorsDtype.BFloat16, MaxShardBytes = 500 }, "bf16-tied-sharded"),
            (TinyLlama.Create(23), new SaveOptions { Dtype = SafeTensorsDtype.Float16 }, "f16-untied"),
        };
        int[][] ids = [[1, 5, 9, 2, 10, 0, 3], [4, 4, 8, 7, 6, 1, 2]];
        foreach (var (model, options, name) in cases)
        {
            string folder = Path.Combine(_temp.Path, name);
            model.Save(folder, options);
            var loaded = LlamaModel.Load(folder);

            string output = FixtureFiles.RunPythonReference("--verify", folder, "--ids", string.Join(";", ids.Select(row => string.Join(",", row))));

            using var report = JsonDocument.Parse(output);
            var files = report.RootElement.GetProperty("files").EnumerateObject().ToList();
            Assert.That(files, Is.Not.Empty);
            foreach (var file in files)
            {
                Assert.That(file.Value.GetProperty("identical").GetBoolean(), Is.True, $"{name}/{file.Name}: the Python writer reproduces our bytes");
                Assert.That(file.Value.GetProperty("dtypes").EnumerateArray().Select(d => d.GetString()), Is.EqualTo(new[] { options.Dtype.GetHeaderName() }));
                Assert.That(file.Value.GetProperty("metadata").GetProperty("format").GetString(), Is.EqualTo("pt"));
            }
            var expected = new List<float>();
            FixtureFiles.Flatten(report.RootElement.GetProperty("logits"), expected);
            var ours = loaded.Forward(ids.SelectMany(r => r).ToArray(), 2, 7).ToArray();
            Compare.Close(ours, expected.Select(x => (double)x).ToArray(), new Tolerance(1e-5, 1e-4), $"{name}: our logits vs the Python forward of our checkpoint");
        }
    }
}
