using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Reversal.Training.Serialization;

/// <summary>
/// The JSON header of a SafeTensors file: strict parsing and validation against the data section, and the
/// byte-exact serialization of the reference writer.
/// </summary>
/// <remarks>
/// <para>Serialized form (the Rust <c>safetensors</c> crate's <c>serde_json</c> output): compact JSON, the
/// <c>__metadata__</c> map first when present, then one entry per tensor in data order with its fields in the order
/// <c>dtype</c>, <c>shape</c>, <c>data_offsets</c>; strings escaped as <c>serde_json</c> does (<c>\"</c>, <c>\\</c>,
/// <c>\b \f \n \r \t</c>, other control characters as lowercase <c>\u00XX</c>, everything else raw UTF-8); then
/// spaces until the header length is a multiple of 8. The reference emits the metadata map in hash order, which is
/// unspecified; we sort its keys by their UTF-8 bytes so our output is deterministic.</para>
/// <para>Parsing follows the reference's checks and is stricter where the reference is silent: the JSON is read by
/// <see cref="StrictJson"/> (invalid UTF-8, lone surrogate escapes and repeated keys refused), and non-integer
/// dimensions, gaps and overlaps are refused with a <see cref="SafeTensorsFormatException"/> that names
/// the file, the tensor and the problem. Unknown fields inside a tensor entry are ignored, as the reference does.</para>
/// </remarks>
internal sealed class SafeTensorsHeader
{
    /// <summary>The reference library refuses headers longer than this many bytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The header key that holds the string→string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The entries, sorted by data offset (then name).</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map, or null when the header has none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>Parses and validates <paramref name="header"/> against a data section of <paramref name="dataLength"/> bytes.</summary>
    /// <exception cref="SafeTensorsFormatException">Any deviation from the format.</exception>
    public static SafeTensorsHeader Parse(byte[] header, long dataLength, string filePath)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
            throw new SafeTensorsFormatException(filePath, null, "the header does not start with '{': it must be a JSON object.");

        // A problem inside an entry names its tensor (the first key of the path), except inside __metadata__.
        using var document = StrictJson.ParseObject(header, problem => new SafeTensorsFormatException(filePath,
            problem.Path is [var first, ..] && first != MetadataKey ? first : null, problem.Description + " of the header"));
        var tensors = new List<SafeTensorInfo>();
        Dictionary<string, string>? metadata = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == MetadataKey) metadata = ParseMetadata(property.Value, filePath);
            else tensors.Add(ParseEntry(property.Name, property.Value, dataLength, filePath));
        }

        tensors.Sort(static (a, b) =>
        {
            int c = a.DataBegin.CompareTo(b.DataBegin);
            if (c == 0) c = a.DataEnd.CompareTo(b.DataEnd);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        ValidateLayout(tensors, dataLength, filePath);
        return new SafeTensorsHeader(tensors, metadata);
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string filePath)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(filePath, null, $"'{MetadataKey}' is a JSON {Describe(value.ValueKind)}; it must be an object mapping strings to strings.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(filePath, null, $"'{MetadataKey}' must map strings to strings, but the value of '{entry.Name}' is a JSON {Describe(entry.Value.ValueKind)}.");
            metadata.Add(entry.Name, entry.Value.GetString()!); // keys are unique: StrictJson refuses repeats
        }
        return metadata;
    }

    private static SafeTensorInfo ParseEntry(string name, JsonElement entry, long dataLength, string filePath)
    {
        SafeTensorsFormatException Fail(string problem) => new(filePath, name, problem);

        if (entry.ValueKind != JsonValueKind.Object)
            throw Fail($"the entry is a JSON {Describe(entry.ValueKind)}; it must be an object with 'dtype', 'shape' and 'data_offsets'.");
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in entry.EnumerateObject()) // keys are unique: StrictJson refuses repeats
        {
            switch (field.Name)
            {
                case "dtype": dtypeElement = field.Value; break;
                case "shape": shapeElement = field.Value; break;
                case "data_offsets": offsetsElement = field.Value; break;
            }
        }
        if (dtypeElement is null) throw Fail("the entry has no 'dtype'.");
        if (shapeElement is null) throw Fail("the entry has no 'shape'.");
        if (offsetsElement is null) throw Fail("the entry has no 'data_offsets'.");

        var dtypeValue = dtypeElement.Value;
        if (dtypeValue.ValueKind != JsonValueKind.String)
            throw Fail($"'dtype' is a JSON {Describe(dtypeValue.ValueKind)}; it must be a string such as \"F32\".");
        string dtypeName = dtypeValue.GetString()!;
        if (!SafeTensorsDtypeExtensions.TryParseHeaderName(dtypeName, out var dtype))
            throw Fail($"unknown dtype '{dtypeName}'.");

        var shapeValue = shapeElement.Value;
        if (shapeValue.ValueKind != JsonValueKind.Array)
            throw Fail($"'shape' is a JSON {Describe(shapeValue.ValueKind)}; it must be an array of non-negative integers.");
        var shape = new long[shapeValue.GetArrayLength()];
        int d = 0;
        foreach (var dim in shapeValue.EnumerateArray())
        {
            shape[d] = NonNegativeInteger(dim, $"'shape' dimension {d}", Fail);
            d++;
        }

        var offsetsValue = offsetsElement.Value;
        if (offsetsValue.ValueKind != JsonValueKind.Array || offsetsValue.GetArrayLength() != 2)
            throw Fail($"'data_offsets' must be an array of two non-negative integers [begin, end], got {StrictJson.Excerpt(offsetsValue)}.");
        long begin = NonNegativeInteger(offsetsValue[0], "'data_offsets' begin", Fail);
        long end = NonNegativeInteger(offsetsValue[1], "'data_offsets' end", Fail);
        if (begin > end) throw Fail($"data_offsets [{begin}, {end}] begin after they end.");
        if (end > dataLength) throw Fail($"data_offsets [{begin}, {end}] lie outside the data section of {dataLength} bytes.");

        Int128 elements = 1;
        foreach (long dim in shape)
        {
            elements *= dim;
            if (elements > long.MaxValue) throw Fail($"shape {FormatShape(shape)} has more elements than a file can hold.");
        }
        Int128 bits = elements * dtype.GetBitSize();
        if (bits % 8 != 0)
            throw Fail($"shape {FormatShape(shape)} of {dtypeName} is {bits} bits, not a whole number of bytes.");
        if (bits / 8 != end - begin)
            throw Fail($"shape {FormatShape(shape)} of {dtypeName} needs {bits / 8} bytes but data_offsets [{begin}, {end}] span {end - begin} bytes.");
        return new SafeTensorInfo(name, dtype, shape, (long)elements, begin, end);
    }

    private static long NonNegativeInteger(JsonElement value, string what, Func<string, SafeTensorsFormatException> fail)
    {
        if (value.ValueKind != JsonValueKind.Number)
            throw fail($"{what} is a JSON {Describe(value.ValueKind)}; it must be a non-negative integer.");
        if (value.TryGetInt64(out long result))
        {
            if (result < 0) throw fail($"{what} is negative ({result}); it must be a non-negative integer.");
            return result;
        }
        if (value.TryGetUInt64(out _)) throw fail($"{what} ({StrictJson.Excerpt(value)}) is too large.");
        throw fail($"{what} is {StrictJson.Excerpt(value)}, not an integer.");
    }

    private static void ValidateLayout(List<SafeTensorInfo> sorted, long dataLength, string filePath)
    {
        long covered = 0;
        SafeTensorInfo? previous = null;
        foreach (var info in sorted)
        {
            if (info.DataBegin < covered)
                throw new SafeTensorsFormatException(filePath, info.Name,
                    $"data_offsets [{info.DataBegin}, {info.DataEnd}] overlap tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}].");
            if (info.DataBegin > covered)
                throw new SafeTensorsFormatException(filePath, info.Name,
                    $"data_offsets [{info.DataBegin}, {info.DataEnd}] leave a gap: bytes [{covered}, {info.DataBegin}) of the data section belong to no tensor.");
            covered = info.DataEnd;
            previous = info;
        }
        if (covered != dataLength)
            throw new SafeTensorsFormatException(filePath, null,
                $"the tensors cover bytes [0, {covered}) but the data section is {dataLength} bytes: {dataLength - covered} trailing bytes belong to no tensor.");
    }

    /// <summary>
    /// The header bytes (JSON plus space padding to a multiple of 8) for <paramref name="entries"/>, which must already
    /// be in data order with consecutive offsets.
    /// </summary>
    /// <exception cref="ArgumentException">A name or metadata string is not valid UTF-16 (a lone surrogate).</exception>
    public static byte[] Serialize(IReadOnlyList<(string Name, SafeTensorsDtype Dtype, IReadOnlyList<int> Shape, long Begin, long End)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;
        if (metadata is not null)
        {
            AppendString(json, MetadataKey);
            json.Append(":{");
            bool firstKey = true;
            foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, Utf8Order.Instance))
            {
                if (!firstKey) json.Append(',');
                firstKey = false;
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
            }
            json.Append('}');
            first = false;
        }
        foreach (var (name, dtype, shape, begin, end) in entries)
        {
            if (!first) json.Append(',');
            first = false;
            AppendString(json, name);
            json.Append(":{\"dtype\":");
            AppendString(json, dtype.GetHeaderName());
            json.Append(",\"shape\":[");
            for (int i = 0; i < shape.Count; i++)
            {
                if (i > 0) json.Append(',');
                json.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }
            json.Append("],\"data_offsets\":[")
                .Append(begin.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(end.ToString(CultureInfo.InvariantCulture)).Append("]}");
        }
        json.Append('}');

        string text = json.ToString();
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("A tensor name or metadata string is not valid Unicode (lone surrogate).", ex);
        }
        int padded = (length + 7) / 8 * 8;
        var bytes = new byte[padded];
        StrictUtf8.GetBytes(text, bytes);
        bytes.AsSpan(length).Fill((byte)' ');
        return bytes;
    }

    /// <summary>Appends a JSON string literal escaped exactly as <c>serde_json</c> does.</summary>
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20) json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }

    private static string Describe(JsonValueKind kind) => StrictJson.Describe(kind);

    private static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
