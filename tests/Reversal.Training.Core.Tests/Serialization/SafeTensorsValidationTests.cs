using System.Text;
using Reversal.Training.Serialization;

namespace Reversal.Training.Core.Tests.Serialization;

/// <summary>One malformed file per rule of the format: each is refused with a message naming the file, tensor and problem.</summary>
public class SafeTensorsValidationTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string PathOf(string name = "bad.safetensors") => _temp.File(name);

    private static SafeTensorsFormatException Refused(string path, string? tensor, params string[] fragments)
    {
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path).Dispose())!;
        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.InstanceOf<FormatException>());
            Assert.That(ex.FilePath, Is.EqualTo(Path.GetFullPath(path)));
            Assert.That(ex.TensorName, Is.EqualTo(tensor));
            Assert.That(ex.Message, Does.Contain(Path.GetFullPath(path)));
            if (tensor is not null) Assert.That(ex.Message, Does.Contain($"tensor '{tensor}'"));
            foreach (string fragment in fragments) Assert.That(ex.Message, Does.Contain(fragment));
        });
        return ex;
    }

    private const string ValidEntry = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    [Test]
    public void A_valid_hand_made_file_opens()
    {
        string path = RawSafeTensors.Write(PathOf(), Encoding.UTF8.GetBytes($"{{\"w\":{ValidEntry}}}"), RawSafeTensors.Floats(1.5f, -2f));
        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.ReadTensor("w").Values, Is.EqualTo(new[] { 1.5f, -2f }));
    }

    [TestCase(0)]
    [TestCase(7)]
    public void A_file_shorter_than_8_bytes_is_refused(int length)
    {
        string path = PathOf();
        File.WriteAllBytes(path, new byte[length]);
        Refused(path, null, $"{length} bytes long", "shorter than the 8-byte header length");
    }

    [Test]
    public void A_header_length_beyond_the_file_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), Encoding.UTF8.GetBytes($"{{\"w\":{ValidEntry}}}"), new byte[8], declaredHeaderLength: 1000);
        Refused(path, null, "header length 1000", "larger than the");
    }

    [Test]
    public void A_header_length_above_the_100MB_bound_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{}"u8.ToArray(), [], declaredHeaderLength: 100_000_001);
        Refused(path, null, "header length 100000001", "exceeds the limit of 100000000 bytes");
    }

    [Test]
    public void A_header_that_is_not_UTF8_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []);
        Refused(path, null, "not valid UTF-8");
    }

    [Test]
    public void A_header_that_is_not_JSON_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F32\",", 0);
        Refused(path, null, "not valid JSON", "reached end of data", "of the header");

        path = RawSafeTensors.Write(PathOf("b.safetensors"), "{\"w\" 1}", 0);
        Refused(path, null, "not valid JSON", "at byte 5 of the header");
    }

    [TestCase("[1,2]")]
    [TestCase("\"w\"")]
    [TestCase("  {}")]
    public void A_header_that_is_not_an_object_is_refused(string header)
    {
        string path = RawSafeTensors.Write(PathOf(), header, 0);
        Refused(path, null, "does not start with '{'", "JSON object");
    }

    [TestCase("dtype")]
    [TestCase("shape")]
    [TestCase("data_offsets")]
    public void An_entry_missing_a_field_is_refused(string field)
    {
        var fields = new Dictionary<string, string> { ["dtype"] = "\"F32\"", ["shape"] = "[2]", ["data_offsets"] = "[0,8]" };
        fields.Remove(field);
        string entry = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
        string path = RawSafeTensors.Write(PathOf(), $"{{\"layer.w\":{entry}}}", 8);
        Refused(path, "layer.w", $"has no '{field}'");
    }

    [Test]
    public void An_entry_that_is_not_an_object_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":[0,8]}", 8);
        Refused(path, "w", "the entry is a JSON array");
    }

    [Test]
    public void An_unknown_dtype_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        Refused(path, "w", "unknown dtype 'F33'");
    }

    [Test]
    public void A_dtype_that_is_not_a_string_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        Refused(path, "w", "'dtype' is a JSON number");
    }

    [Test]
    public void A_negative_dimension_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}}", 8);
        Refused(path, "w", "'shape' dimension 1 is negative (-1)");
    }

    [TestCase("2.5")]
    [TestCase("2.0")]
    [TestCase("2e0")]
    public void A_non_integer_dimension_is_refused(string dim)
    {
        string path = RawSafeTensors.Write(PathOf(), $"{{\"w\":{{\"dtype\":\"F32\",\"shape\":[{dim}],\"data_offsets\":[0,8]}}}}", 8);
        Refused(path, "w", $"'shape' dimension 0 is {dim}, not an integer");
    }

    [Test]
    public void A_dimension_that_is_not_a_number_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8);
        Refused(path, "w", "'shape' dimension 0 is a JSON string");
    }

    [Test]
    public void Data_offsets_that_are_not_a_pair_are_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", 8);
        Refused(path, "w", "'data_offsets' must be an array of two non-negative integers");
    }

    [Test]
    public void Data_offsets_outside_the_data_section_are_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        Refused(path, "w", "data_offsets [0, 16] lie outside the data section of 8 bytes");
    }

    [Test]
    public void Data_offsets_with_begin_after_end_are_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8);
        Refused(path, "w", "data_offsets [8, 0] begin after they end");
    }

    [Test]
    public void Overlapping_tensors_are_refused()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]}}";
        string path = RawSafeTensors.Write(PathOf(), header, 20);
        Refused(path, "b", "data_offsets [8, 20] overlap tensor 'a' at [0, 12]");
    }

    [Test]
    public void A_gap_between_tensors_is_refused()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        string path = RawSafeTensors.Write(PathOf(), header, 20);
        Refused(path, "b", "leave a gap", "bytes [8, 12) of the data section belong to no tensor");
    }

    [Test]
    public void A_gap_before_the_first_tensor_is_refused()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        string path = RawSafeTensors.Write(PathOf(), header, 12);
        Refused(path, "a", "bytes [0, 4) of the data section belong to no tensor");
    }

    [Test]
    public void Data_not_fully_covered_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), $"{{\"w\":{ValidEntry}}}", 12);
        Refused(path, null, "the tensors cover bytes [0, 8) but the data section is 12 bytes", "4 trailing bytes");
    }

    [Test]
    public void Shape_times_dtype_size_differing_from_the_byte_range_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 24);
        Refused(path, "w", "shape [2, 3] of BF16 needs 12 bytes but data_offsets [0, 24] span 24 bytes");
    }

    [Test]
    public void A_sub_byte_tensor_that_is_not_a_whole_number_of_bytes_is_refused()
    {
        string path = RawSafeTensors.Write(PathOf(), "{\"w\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2);
        Refused(path, "w", "is 12 bits, not a whole number of bytes");
    }

    [Test]
    public void A_repeated_tensor_name_is_refused()
    {
        string header = $"{{\"w\":{ValidEntry},\"w\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}}}";
        string path = RawSafeTensors.Write(PathOf(), header, 16);
        Refused(path, "w", "the key 'w' appears more than once at byte 54 of the header");
    }

    [Test]
    public void A_repeated_field_inside_an_entry_is_refused()
    {
        string header = "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        string path = RawSafeTensors.Write(PathOf(), header, 8);
        Refused(path, "w", "the key 'dtype' appears more than once at byte 20 of the header");
    }

    [Test]
    public void Metadata_with_a_non_string_value_is_refused()
    {
        string header = $"{{\"__metadata__\":{{\"format\":\"pt\",\"step\":3}},\"w\":{ValidEntry}}}";
        string path = RawSafeTensors.Write(PathOf(), header, 8);
        Refused(path, null, "'__metadata__' must map strings to strings", "'step' is a JSON number");
    }

    [Test]
    public void Metadata_that_is_not_an_object_is_refused()
    {
        string header = $"{{\"__metadata__\":[\"pt\"],\"w\":{ValidEntry}}}";
        string path = RawSafeTensors.Write(PathOf(), header, 8);
        Refused(path, null, "'__metadata__' is a JSON array");
    }

    [Test]
    public void Repeated_metadata_is_refused()
    {
        string header = $"{{\"__metadata__\":{{}},\"__metadata__\":{{}},\"w\":{ValidEntry}}}";
        string path = RawSafeTensors.Write(PathOf(), header, 8);
        Refused(path, null, "the key '__metadata__' appears more than once at byte 19 of the header");
    }

    [Test]
    public void An_unpadded_header_and_trailing_header_spaces_are_both_accepted()
    {
        string unpadded = RawSafeTensors.Write(PathOf("a.safetensors"), Encoding.UTF8.GetBytes($"{{\"w\":{ValidEntry}}}"), RawSafeTensors.Floats(1, 2));
        string padded = RawSafeTensors.Write(PathOf("b.safetensors"), Encoding.UTF8.GetBytes($"{{\"w\":{ValidEntry}}}     "), RawSafeTensors.Floats(1, 2));
        using var a = SafeTensorsFile.Open(unpadded);
        using var b = SafeTensorsFile.Open(padded);
        Assert.That(a.ReadTensor("w").Values, Is.EqualTo(b.ReadTensor("w").Values));
        Assert.That(b.DataOffset - a.DataOffset, Is.EqualTo(5));
    }

    [Test]
    public void Unknown_fields_inside_an_entry_are_ignored_as_the_reference_does()
    {
        string header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"note\":\"x\"}}";
        string path = RawSafeTensors.Write(PathOf(), Encoding.UTF8.GetBytes(header), RawSafeTensors.Floats(3, 4));
        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.ReadTensor("w").Values, Is.EqualTo(new[] { 3f, 4f }));
    }

    [Test]
    public void A_known_non_float_dtype_opens_but_reading_it_as_float_is_not_supported()
    {
        string header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        string path = RawSafeTensors.Write(PathOf(), Encoding.UTF8.GetBytes(header), [.. new byte[16], .. RawSafeTensors.Floats(7)]);
        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.GetInfo("ids").Dtype, Is.EqualTo(SafeTensorsDtype.Int64));
        Assert.That(file.ReadTensor("w").Values, Is.EqualTo(new[] { 7f }));
        var ex = Assert.Throws<NotSupportedException>(() => file.ReadTensor("ids"))!;
        Assert.That(ex.Message, Does.Contain("'ids'").And.Contain("I64"));
    }

    [Test]
    public void Reading_a_missing_tensor_names_it()
    {
        string path = RawSafeTensors.Write(PathOf(), Encoding.UTF8.GetBytes($"{{\"w\":{ValidEntry}}}"), RawSafeTensors.Floats(1, 2));
        using var file = SafeTensorsFile.Open(path);
        var ex = Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("nope"))!;
        Assert.That(ex.Message, Does.Contain("'nope'").And.Contain(Path.GetFullPath(path)));
    }

    [Test]
    public void A_disposed_file_refuses_reads()
    {
        string path = RawSafeTensors.Write(PathOf(), Encoding.UTF8.GetBytes($"{{\"w\":{ValidEntry}}}"), RawSafeTensors.Floats(1, 2));
        var file = SafeTensorsFile.Open(path);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.ReadTensor("w"));
    }
}
