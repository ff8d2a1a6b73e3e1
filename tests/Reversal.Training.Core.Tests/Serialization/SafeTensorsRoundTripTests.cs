using System.Buffers.Binary;
using System.Text;
using Reversal.Training.Serialization;

namespace Reversal.Training.Core.Tests.Serialization;

public class SafeTensorsRoundTripTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static Dictionary<string, TensorData> SampleTensors() => new(StringComparer.Ordinal)
    {
        ["b.weight"] = new TensorData(Samples.Normal(1, 6), 2, 3),
        ["a.bias"] = new TensorData(Samples.Normal(2, 5), 5),
        ["scalar"] = new TensorData([3.25f]),
        ["empty"] = new TensorData([], 0, 4),
    };

    private static byte[] HeaderOf(string path, out ulong length)
    {
        var bytes = File.ReadAllBytes(path);
        length = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return bytes.AsSpan(8, (int)length).ToArray();
    }

    [Test]
    public void F32_round_trips_exactly_with_shapes_and_metadata()
    {
        var tensors = SampleTensors();
        string path = _temp.File("t.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };

        SafeTensorsWriter.Write(path, tensors, SafeTensorsDtype.Float32, metadata);

        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.Metadata, Is.EqualTo(metadata));
        Assert.That(file.HasMetadata, Is.True);
        var all = file.ReadAll();
        Assert.That(all.Keys, Is.EquivalentTo(tensors.Keys));
        foreach (var (name, tensor) in tensors)
        {
            Assert.That(all[name].Shape, Is.EqualTo(tensor.Shape), name);
            Compare.Identical(all[name].Values, tensor.Values, name);
            Assert.That(file.GetInfo(name).Dtype, Is.EqualTo(SafeTensorsDtype.Float32));
            Assert.That(file.GetInfo(name).ByteLength, Is.EqualTo(4L * tensor.Values.Length));
        }
    }

    [Test]
    public void The_header_is_the_reference_writers_compact_JSON_padded_to_8_bytes()
    {
        var tensors = new Dictionary<string, TensorData>
        {
            ["b"] = new TensorData([1f, 2f], 2),
            ["a"] = new TensorData([3f, 4f, 5f], 1, 3),
        };
        string path = _temp.File("t.safetensors");

        SafeTensorsWriter.Write(path, tensors, SafeTensorsDtype.Float32, new Dictionary<string, string> { ["format"] = "pt" });

        const string json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        var header = HeaderOf(path, out ulong length);
        int padding = (8 - json.Length % 8) % 8;
        Assert.That(Encoding.UTF8.GetString(header), Is.EqualTo(json + new string(' ', padding)));
        Assert.That(length % 8, Is.EqualTo(0UL));
        var data = File.ReadAllBytes(path).AsSpan(8 + (int)length).ToArray();
        Assert.That(data, Is.EqualTo(RawSafeTensors.Floats(3, 4, 5, 1, 2)), "data in name order, little-endian");
    }

    [Test]
    public void Without_metadata_the_header_has_no_metadata_entry()
    {
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["w"] = new TensorData([1f], 1) });

        Assert.That(Encoding.UTF8.GetString(HeaderOf(path, out _)).TrimEnd(),
            Is.EqualTo("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"));
        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.HasMetadata, Is.False);
        Assert.That(file.Metadata, Is.Empty);
    }

    [Test]
    public void Names_are_escaped_as_serde_json_does_and_read_back_unchanged()
    {
        const string name = "q\"uote\\back\nline\u001f\u00e9\u4e2d";
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { [name] = new TensorData([1f], 1) });

        string header = Encoding.UTF8.GetString(HeaderOf(path, out _));
        Assert.That(header, Does.StartWith("{\"q\\\"uote\\\\back\\nline\\u001f\u00e9\u4e2d\":"));
        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.Names, Is.EqualTo(new[] { name }));
    }

    [Test]
    public void Tensors_are_ordered_by_UTF8_bytes_like_Rust_strings()
    {
        // U+FF21 (EF BC A1 in UTF-8) sorts after U+1F600 (F0 9F 98 80) in UTF-16 ordinal order but before it in UTF-8 order.
        string fullwidth = "\uFF21", emoji = "\U0001F600";
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { [emoji] = new TensorData([1f], 1), [fullwidth] = new TensorData([2f], 1) });

        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.Names, Is.EqualTo(new[] { fullwidth, emoji }));
    }

    [Test]
    public void BF16_rounds_to_nearest_even()
    {
        float halfway = BitConverter.UInt32BitsToSingle(0x3F808000); // 1 + 2^-8: halfway between 0x3F80 (even) and 0x3F81
        float halfwayOdd = BitConverter.UInt32BitsToSingle(0x3F818000); // halfway between 0x3F81 (odd) and 0x3F82
        float aboveHalfway = BitConverter.UInt32BitsToSingle(0x3F808001);
        float belowHalfway = BitConverter.UInt32BitsToSingle(0x3F807FFF);
        Assert.Multiple(() =>
        {
            Assert.That(FloatCodec.ToBFloat16Bits(1f), Is.EqualTo((ushort)0x3F80));
            Assert.That(FloatCodec.ToBFloat16Bits(halfway), Is.EqualTo((ushort)0x3F80), "tie to even (down)");
            Assert.That(FloatCodec.ToBFloat16Bits(halfwayOdd), Is.EqualTo((ushort)0x3F82), "tie to even (up)");
            Assert.That(FloatCodec.ToBFloat16Bits(aboveHalfway), Is.EqualTo((ushort)0x3F81));
            Assert.That(FloatCodec.ToBFloat16Bits(belowHalfway), Is.EqualTo((ushort)0x3F80));
            Assert.That(FloatCodec.ToBFloat16Bits(-halfwayOdd), Is.EqualTo((ushort)0xBF82), "sign kept");
            Assert.That(FloatCodec.ToBFloat16Bits(float.MaxValue), Is.EqualTo((ushort)0x7F80), "overflow to +inf");
            Assert.That(FloatCodec.ToBFloat16Bits(float.NegativeInfinity), Is.EqualTo((ushort)0xFF80));
            Assert.That(FloatCodec.ToBFloat16Bits(float.NaN), Is.EqualTo((ushort)0x7FC0), "canonical NaN");
            Assert.That(FloatCodec.ToBFloat16Bits(float.Epsilon), Is.EqualTo((ushort)0x0000), "smallest subnormal rounds to zero");
            Assert.That(FloatCodec.FromBFloat16Bits(0x4049), Is.EqualTo(BitConverter.UInt32BitsToSingle(0x40490000)), "decoding is a shift");
        });
    }

    [Test]
    public void BF16_write_then_read_gives_the_rounded_values()
    {
        var values = Samples.Normal(5, 1000, std: 3.0);
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["w"] = new TensorData(values, 10, 100) }, SafeTensorsDtype.BFloat16);

        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.GetInfo("w").Dtype, Is.EqualTo(SafeTensorsDtype.BFloat16));
        Assert.That(file.GetInfo("w").ByteLength, Is.EqualTo(2000));
        var expected = values.Select(v => FloatCodec.FromBFloat16Bits(FloatCodec.ToBFloat16Bits(v))).ToArray();
        Compare.Identical(file.ReadTensor("w").Values, expected, "bf16 values");
        var relative = values.Zip(expected, (v, r) => Math.Abs(v - r) / Math.Abs(v)).Max();
        Assert.That(relative, Is.LessThanOrEqualTo(1.0 / 256), "bf16 keeps 8 significant bits");
    }

    [Test]
    public void F16_write_then_read_gives_the_Half_rounded_values()
    {
        var values = Samples.Normal(6, 1000, std: 10.0);
        values[0] = 70000f; // beyond the F16 range
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["w"] = new TensorData(values, 1000) }, SafeTensorsDtype.Float16);

        using var file = SafeTensorsFile.Open(path);
        var expected = values.Select(v => (float)(Half)v).ToArray();
        Compare.Identical(file.ReadTensor("w").Values, expected, "f16 values");
        Assert.That(expected[0], Is.EqualTo(float.PositiveInfinity));
    }

    [Test]
    public void Writing_to_a_stream_gives_the_same_bytes_as_writing_to_a_file()
    {
        var tensors = SampleTensors();
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, tensors, SafeTensorsDtype.BFloat16);
        using var memory = new MemoryStream();
        SafeTensorsWriter.Write(memory, tensors, SafeTensorsDtype.BFloat16);
        Assert.That(memory.ToArray(), Is.EqualTo(File.ReadAllBytes(path)));
    }

    [Test]
    public void Reserved_names_and_unsupported_dtypes_are_refused()
    {
        string path = _temp.File("t.safetensors");
        var ex = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["__metadata__"] = new TensorData([1f]) }))!;
        Assert.That(ex.Message, Does.Contain("__metadata__"));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["w"] = new TensorData([1f]) }, SafeTensorsDtype.Int32));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void A_write_failing_midway_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, SampleTensors());
        var before = File.ReadAllBytes(path);
        var bigger = new Dictionary<string, TensorData> { ["w"] = new TensorData(Samples.Normal(9, 100_000), 100_000) };

        var ex = Assert.Throws<IOException>(() => SafeTensorsWriter.Write(path, bigger, SafeTensorsDtype.Float32, null,
            stream => new FailingStream(stream, failAfterBytes: 50_000)))!;

        Assert.That(ex.Message, Does.Contain("injected"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void The_file_can_be_replaced_while_it_is_open_for_reading()
    {
        string path = _temp.File("t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["w"] = new TensorData([1f, 2f], 2) });
        using var file = SafeTensorsFile.Open(path);

        SafeTensorsWriter.Write(path, new Dictionary<string, TensorData> { ["w"] = new TensorData([5f, 6f], 2) });

        Assert.That(file.ReadTensor("w").Values, Is.EqualTo(new[] { 1f, 2f }), "the open mapping keeps the old content (POSIX) ");
        using var reopened = SafeTensorsFile.Open(path);
        Assert.That(reopened.ReadTensor("w").Values, Is.EqualTo(new[] { 5f, 6f }));
    }
}
