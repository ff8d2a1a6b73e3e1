using System.Text;
using Reversal.Training.Serialization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Core.Tests.Serialization;

/// <summary>
/// The SafeTensors reader under the mutation fuzzer: header (as JSON, with a consistent length prefix), length prefix
/// and data. Every input opens and reads, or is refused as documented: <see cref="SafeTensorsFormatException"/>, or
/// <see cref="NotSupportedException"/> for a tensor larger than an array.
/// </summary>
[Category("Fuzz")]
public class SafeTensorsFuzzTests
{
    /// <summary>
    /// Open + read of a file: the header copy and its parse (at most about 12 bytes per header byte, see
    /// <see cref="StrictJson"/>), then the data copied out (one byte per data byte; F16/BF16 widened: two). Measured
    /// at most 7.0 B/B beyond the constant.
    /// </summary>
    public static readonly MemoryBound Bound = new(BytesPerInputByte: 16, ConstantBytes: 256 * 1024);

    private static byte[] File(IReadOnlyDictionary<string, TensorData> tensors, SafeTensorsDtype dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, tensors, dtype, metadata);
        return stream.ToArray();
    }

    /// <summary>Valid files: F32 with metadata, BF16 and F16, a scalar and an empty tensor, and an I64 tensor (listed, not widened).</summary>
    public static IReadOnlyList<byte[]> Seeds()
    {
        var weights = new Dictionary<string, TensorData>
        {
            ["model.embed_tokens.weight"] = new(Samples.Normal(1, 24), 6, 4),
            ["model.norm.weight"] = new([1f, 2f, 3f, 4f], 4),
            ["scale"] = new([0.5f]),
            ["empty"] = new([], 0, 3),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "zoë \u00e9 😀" };
        string integers = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[16,24]}}";
        byte[] integerHeader = Encoding.UTF8.GetBytes(integers);
        return
        [
            File(weights, SafeTensorsDtype.Float32, metadata),
            File(weights, SafeTensorsDtype.BFloat16, null),
            File(weights, SafeTensorsDtype.Float16, new Dictionary<string, string> { ["format"] = "pt" }),
            SafeTensorsMutators.Join(integerHeader, [.. BitConverter.GetBytes(7L), .. BitConverter.GetBytes(-1L), .. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f)]),
        ];
    }

    [Test]
    public void Every_mutated_file_opens_or_is_refused_with_a_typed_exception_in_bounded_time_and_memory()
    {
        using var temp = new TempDirectory(inMemory: true);
        string path = temp.File("fuzz.safetensors");
        Fuzz.Check(new FuzzTarget
        {
            Name = "SafeTensors header and data (SafeTensorsFile.Open + read)",
            Seeds = Seeds(),
            Mutators = SafeTensorsMutators.All,
            Systematic = SafeTensorsMutators.EveryHeaderValueAtEveryExtreme,
            Expected = [typeof(SafeTensorsFormatException), typeof(NotSupportedException)],
            Memory = Bound,
            Load = input =>
            {
                System.IO.File.WriteAllBytes(path, input);
                using var file = SafeTensorsFile.Open(path);
                foreach (var info in file.Tensors)
                {
                    if (info.Dtype.IsFloatingTensorType()) file.ReadTensor(info.Name);
                    else file.ReadBytes(info.Name);
                }
            },
        });
    }
}
