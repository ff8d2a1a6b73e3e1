using System.Text;
using System.Text.Json.Nodes;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Engine.Tests.Serialization;

/// <summary>
/// The files of a Hugging Face checkpoint under the mutation fuzzer, each loaded through <see cref="LlamaModel.Load"/>
/// in an otherwise valid tiny checkpoint: config.json, the shard index and the weights. Every input loads or is refused
/// with a documented exception, in bounded time and memory.
/// </summary>
[Category("Fuzz")]
public class CheckpointFuzzTests
{
    /// <summary>
    /// A load: the files' parse (at most about 16 bytes per byte of JSON) plus the weights as float32 and the model built
    /// from them (8 bytes per parameter: 2 per byte of F32 data, 4 per byte of BF16 data), plus the modules' fixed cost.
    /// Measured at most 11.5 B/B beyond the constant (a shard index whose file names are 70,000-character strings).
    /// </summary>
    public static readonly MemoryBound Bound = new(BytesPerInputByte: 16, ConstantBytes: 512 * 1024);

    private static readonly Type[] Documented = [typeof(CheckpointFormatException), typeof(SafeTensorsFormatException), typeof(StateDictMismatchException)];

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory(inMemory: true);

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string FileIn(string name) => Path.Combine(_temp.Path, name);

    private long FolderBytes(params string[] except) =>
        Directory.EnumerateFiles(_temp.Path).Where(f => !except.Contains(Path.GetFileName(f))).Sum(f => new FileInfo(f).Length);

    private FuzzTarget Target(string name, string file, IReadOnlyList<byte[]> seeds) => new()
    {
        Name = name,
        Seeds = seeds,
        Expected = Documented,
        Memory = Bound,
        OtherBytes = FolderBytes(file),
        Load = input =>
        {
            File.WriteAllBytes(FileIn(file), input);
            LlamaModel.Load(_temp.Path);
        },
    };

    [Test]
    public void Every_mutated_config_json_loads_or_is_refused_with_a_typed_exception()
    {
        TinyLlama.Create(61).Save(_temp.Path);
        byte[] saved = File.ReadAllBytes(FileIn("config.json"));
        var json = JsonNode.Parse(saved)!.AsObject();
        byte[] Variant(Action<JsonObject> edit)
        {
            var copy = JsonNode.Parse(json.ToJsonString())!.AsObject();
            edit(copy);
            return Encoding.UTF8.GetBytes(copy.ToJsonString());
        }
        byte[][] seeds =
        [
            saved,
            Variant(c => { c.Remove("rope_theta"); c["rope_parameters"] = new JsonObject { ["rope_type"] = "default", ["rope_theta"] = 10000.0 }; }),
            Variant(c => { foreach (string optional in new[] { "head_dim", "architectures", "torch_dtype", "rms_norm_eps", "initializer_range" }) c.Remove(optional); }),
            Variant(c => { c["max_position_embeddings"] = 131072; c["bos_token_id"] = 1; c["transformers_version"] = "4.44.0"; c["quirk"] = new JsonArray(1, "a", null); }),
        ];
        Fuzz.Check(Target("config.json (LlamaModel.Load)", "config.json", seeds));
    }

    [Test]
    public void Every_mutated_shard_index_loads_or_is_refused_with_a_typed_exception()
    {
        TinyLlama.Create(62).Save(_temp.Path, new SaveOptions { MaxShardBytes = 2000 });
        Fuzz.Check(Target("model.safetensors.index.json (LlamaModel.Load)", "model.safetensors.index.json", [File.ReadAllBytes(FileIn("model.safetensors.index.json"))]));
    }

    [Test]
    public void Every_mutated_weights_file_loads_or_is_refused_with_a_typed_exception()
    {
        var model = TinyLlama.Create(63);
        model.Save(_temp.Path, new SaveOptions { Dtype = SafeTensorsDtype.BFloat16 });
        byte[] bf16 = File.ReadAllBytes(FileIn("model.safetensors"));
        model.Save(_temp.Path);
        byte[] f32 = File.ReadAllBytes(FileIn("model.safetensors"));
        var target = Target("model.safetensors (LlamaModel.Load)", "model.safetensors", [f32, bf16]) with
        {
            Mutators = SafeTensorsMutators.All,
            Systematic = SafeTensorsMutators.EveryHeaderValueAtEveryExtreme,
        };
        Fuzz.Check(target);
    }
}
