using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Serialization;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>
/// The acceptance criterion: checkpoints written by an independent PyTorch implementation
/// (<c>Fixtures/make_hf_llama_fixture.py</c>, Hugging Face layout and naming) load with <see cref="LlamaModel.Load"/>
/// and reproduce that implementation's logits.
/// </summary>
/// <remarks>
/// Tolerance: |ours − reference| ≤ 1e-5 + 1e-4·|reference| per logit (logits are O(1)). Both sides compute in float32
/// from identical weights (for BF16 the reference used the bfloat16-rounded weights upcast to float32, which is
/// exactly what loading yields); the remaining differences are summation order and RoPE angles (ours in float64,
/// Hugging Face's in float32).
/// </remarks>
public class HuggingFaceFixtureTests
{
    private static readonly Tolerance LogitTolerance = new(Atol: 1e-5, Rtol: 1e-4);

    private static float[] ForwardOnRecordedIds(LlamaModel model, int[][] ids)
    {
        int batch = ids.Length, length = ids[0].Length;
        return model.Forward(ids.SelectMany(row => row).ToArray(), batch, length).ToArray();
    }

    [TestCase("hf-llama-f32", false, SafeTensorsDtype.Float32)]
    [TestCase("hf-llama-bf16", false, SafeTensorsDtype.BFloat16)]
    [TestCase("hf-llama-f32-tied-sharded", true, SafeTensorsDtype.Float32)]
    public void A_PyTorch_written_checkpoint_reproduces_the_reference_logits(string fixture, bool tied, SafeTensorsDtype dtype)
    {
        string folder = FixtureFiles.Folder(fixture);
        var (ids, shape, expected) = FixtureFiles.RecordedLogits(folder);

        var model = LlamaModel.Load(folder);

        Assert.That(model.Config, Is.EqualTo(new LlamaConfig
        {
            VocabSize = 64, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = 32, RmsNormEps = 1e-5f, RopeTheta = 10000, TieWordEmbeddings = tied,
            InitializerRange = 0.02f,
        }));
        Assert.That(shape, Is.EqualTo(new[] { 2, 12, 64 }));
        var logits = ForwardOnRecordedIds(model, ids);
        Compare.Close(logits, expected.Select(x => (double)x).ToArray(), LogitTolerance, $"{fixture} logits");
        TestContext.Out.WriteLine($"{fixture} ({dtype}): max |diff| {logits.Zip(expected, (a, b) => Math.Abs(a - b)).Max():g3}");
    }

    [Test]
    public void The_BF16_fixture_holds_exactly_the_rounded_F32_fixture_weights()
    {
        var f32 = LlamaModel.Load(FixtureFiles.Folder("hf-llama-f32"));
        var bf16 = LlamaModel.Load(FixtureFiles.Folder("hf-llama-bf16"));
        var rounded = f32.StateDict();
        foreach (var (name, tensor) in bf16.StateDict())
        {
            var expected = rounded[name].ToArray().Select(v => FloatCodec.FromBFloat16Bits(FloatCodec.ToBFloat16Bits(v))).ToArray();
            Compare.Identical(tensor.ToArray(), expected, name);
        }
    }

    [TestCase("hf-llama-f32", SafeTensorsDtype.Float32, null)]
    [TestCase("hf-llama-bf16", SafeTensorsDtype.BFloat16, null)]
    [TestCase("hf-llama-f32-tied-sharded", SafeTensorsDtype.Float32, 24L * 1024)]
    public void Our_writer_reproduces_the_independent_writers_files_byte_for_byte(string fixture, SafeTensorsDtype dtype, long? maxShardBytes)
    {
        string folder = FixtureFiles.Folder(fixture);
        var model = LlamaModel.Load(folder);
        using var temp = new TempDirectory();

        model.Save(temp.Path, new SaveOptions { Dtype = dtype, MaxShardBytes = maxShardBytes });

        string[] weightFiles = Directory.GetFiles(folder, "model*").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray();
        Assert.That(Directory.GetFiles(temp.Path, "model*").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal), Is.EqualTo(weightFiles));
        Assert.That(weightFiles.Count(f => f.EndsWith(".safetensors", StringComparison.Ordinal)), Is.EqualTo(maxShardBytes is null ? 1 : 4));
        foreach (string file in weightFiles.Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal)))
            Assert.That(File.ReadAllBytes(Path.Combine(temp.Path, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(folder, file))), file);
        if (maxShardBytes is not null)
            Assert.That(File.ReadAllText(Path.Combine(temp.Path, "model.safetensors.index.json")),
                Is.EqualTo(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json"))), "index identical to json.dumps(indent=2, sort_keys=True)");
    }

    [Test]
    public void The_fixture_files_read_with_SafeTensorsFile_list_Hugging_Face_names_and_metadata()
    {
        using var file = SafeTensorsFile.Open(Path.Combine(FixtureFiles.Folder("hf-llama-bf16"), "model.safetensors"));
        Assert.That(file.Metadata, Is.EqualTo(new Dictionary<string, string> { ["format"] = "pt" }));
        Assert.That(file.Tensors, Has.Count.EqualTo(21));
        Assert.That(file.Tensors.Select(t => t.Dtype), Is.All.EqualTo(SafeTensorsDtype.BFloat16));
        var q = file.GetInfo("model.layers.1.self_attn.k_proj.weight");
        Assert.That(q.Shape, Is.EqualTo(new long[] { 16, 32 }));
        Assert.That(q.ByteLength, Is.EqualTo(16 * 32 * 2));
        Assert.That(file.DataOffset % 8, Is.EqualTo(0), "header padded to 8 bytes");
    }
}
