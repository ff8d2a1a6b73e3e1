using System.Runtime.InteropServices;
using System.Text.Json;

namespace Reversal.Training.Serialization;

/// <summary>
/// Typed access to the fields of one JSON object of a checkpoint file; every missing, mistyped or out-of-range field
/// is a <see cref="CheckpointFormatException"/> naming the file and the field's path (<c>objective_random.s[2]</c>).
/// A field whose value is JSON <c>null</c> counts as absent.
/// </summary>
internal readonly struct CheckpointJsonFields
{
    private readonly string _prefix;

    /// <summary>The fields of <paramref name="element"/>, an object at <paramref name="prefix"/> (empty for the root) of <paramref name="filePath"/>.</summary>
    public CheckpointJsonFields(JsonElement element, string filePath, string prefix = "")
    {
        Element = element;
        FilePath = filePath;
        _prefix = prefix;
    }

    /// <summary>The object.</summary>
    public JsonElement Element { get; }

    /// <summary>The file, for messages.</summary>
    public string FilePath { get; }

    /// <summary>The path of <paramref name="field"/> of this object.</summary>
    public string PathOf(string field) => _prefix.Length == 0 ? field : _prefix + "." + field;

    /// <summary>An exception naming the file and <paramref name="field"/> of this object.</summary>
    public CheckpointFormatException Fail(string field, string problem) => new(FilePath, PathOf(field), problem);

    /// <summary>True when <paramref name="field"/> is present and not null.</summary>
    public bool IsPresent(string field) => TryGet(field, out _);

    /// <summary>The field's value when it is present and not null.</summary>
    public bool TryGet(string field, out JsonElement value) =>
        Element.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The field's JSON text (for messages); the field must be present.</summary>
    public string Raw(string field) => Element.GetProperty(field).GetRawText();

    /// <summary>The integer field, or null when absent.</summary>
    /// <exception cref="CheckpointFormatException">Not an integer, or outside [<paramref name="min"/>, <paramref name="max"/>].</exception>
    public long? OptionalInteger(string field, long min, long max)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number)
            throw Fail(field, $"must be an integer, got a JSON {StrictJson.Describe(value.ValueKind)} ({Excerpt(value)}).");
        bool fits = value.TryGetInt64(out long number);
        if (!fits && JsonMarshal.GetRawUtf8Value(value).IndexOfAny(".eE"u8) >= 0)
            throw Fail(field, $"must be an integer, got {Excerpt(value)}.");
        if (!fits || number < min || number > max)
            throw Fail(field, $"must be {Range(min, max)}, got {Excerpt(value)}.");
        return number;
    }

    private static string Range(long min, long max) => (min, max) switch
    {
        (1, int.MaxValue) => "a positive integer that fits in 32 bits",
        (0, int.MaxValue) => "a non-negative integer that fits in 32 bits",
        (0, long.MaxValue) => "a non-negative integer that fits in 64 bits",
        _ => $"an integer in [{min}, {max}]",
    };

    /// <summary>The integer field.</summary>
    /// <exception cref="CheckpointFormatException">Missing, not an integer, or outside [<paramref name="min"/>, <paramref name="max"/>].</exception>
    public long RequiredInteger(string field, long min, long max) =>
        OptionalInteger(field, min, max) ?? throw Missing(field);

    /// <summary>The positive 32-bit integer field, or null when absent.</summary>
    public int? OptionalPositiveInt(string field) => (int?)OptionalInteger(field, 1, int.MaxValue);

    /// <summary>The positive 32-bit integer field.</summary>
    public int RequiredPositiveInt(string field) => (int)RequiredInteger(field, 1, int.MaxValue);

    /// <summary>The finite number field, or null when absent.</summary>
    /// <exception cref="CheckpointFormatException">Not a number, or not finite (such as <c>1e400</c>).</exception>
    public double? OptionalFiniteDouble(string field)
    {
        if (!TryGet(field, out var value)) return null;
        return FiniteDouble(value, PathOf(field));
    }

    /// <summary>The finite number field.</summary>
    public double RequiredFiniteDouble(string field) => OptionalFiniteDouble(field) ?? throw Missing(field);

    /// <summary>The positive, finite number field, or null when absent.</summary>
    public double? OptionalPositiveDouble(string field)
    {
        double? number = OptionalFiniteDouble(field);
        if (number is { } x && !(x > 0)) throw Fail(field, $"must be positive and finite, got {Raw(field)}.");
        return number;
    }

    /// <summary>The boolean field, or null when absent.</summary>
    public bool? OptionalBool(string field)
    {
        if (!TryGet(field, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(field, $"must be true or false, got a JSON {StrictJson.Describe(value.ValueKind)} ({Excerpt(value)})."),
        };
    }

    /// <summary>The string field, or null when absent.</summary>
    public string? OptionalString(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw Fail(field, $"must be a string, got a JSON {StrictJson.Describe(value.ValueKind)} ({Excerpt(value)}).");
        return value.GetString();
    }

    /// <summary>The string field.</summary>
    public string RequiredString(string field) => OptionalString(field) ?? throw Missing(field);

    /// <summary>Refuses the string field unless it is absent or equals <paramref name="expected"/>.</summary>
    public void ExpectString(string field, string expected)
    {
        string? actual = OptionalString(field);
        if (actual is not null && actual != expected)
            throw Fail(field, $"\"{actual}\" is not supported; expected \"{expected}\".");
    }

    /// <summary>The object field as fields, or false when absent.</summary>
    public bool TryGetObject(string field, out CheckpointJsonFields child)
    {
        child = default;
        if (!TryGet(field, out var value)) return false;
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail(field, $"must be an object, got a JSON {StrictJson.Describe(value.ValueKind)}.");
        child = new CheckpointJsonFields(value, FilePath, PathOf(field));
        return true;
    }

    /// <summary>The object field as fields.</summary>
    public CheckpointJsonFields RequiredObject(string field) =>
        TryGetObject(field, out var child) ? child : throw Missing(field);

    /// <summary>The array field, or null when absent.</summary>
    public JsonElement? OptionalArray(string field)
    {
        if (!TryGet(field, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array)
            throw Fail(field, $"must be an array, got a JSON {StrictJson.Describe(value.ValueKind)}.");
        return value;
    }

    /// <summary>The array of strings, or null when absent.</summary>
    public List<string>? OptionalStringArray(string field)
    {
        if (TryGet(field, out var value) && value.ValueKind != JsonValueKind.Array)
            throw Fail(field, $"must be an array of strings, got a JSON {StrictJson.Describe(value.ValueKind)}.");
        if (OptionalArray(field) is not { } array) return null;
        var result = new List<string>(array.GetArrayLength());
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                throw Fail($"{field}[{i}]", $"must be a string, got a JSON {StrictJson.Describe(item.ValueKind)} ({Excerpt(item)}).");
            result.Add(item.GetString()!);
            i++;
        }
        return result;
    }

    /// <summary>The array of strings.</summary>
    public List<string> RequiredStringArray(string field) => OptionalStringArray(field) ?? throw Missing(field);

    /// <summary>The array of finite numbers.</summary>
    public List<double> RequiredFiniteDoubleArray(string field)
    {
        var array = OptionalArray(field) ?? throw Missing(field);
        var result = new List<double>(array.GetArrayLength());
        int i = 0;
        foreach (var item in array.EnumerateArray()) result.Add(FiniteDouble(item, $"{PathOf(field)}[{i++}]"));
        return result;
    }

    /// <summary>The array of unsigned 64-bit integers.</summary>
    public List<ulong> RequiredUInt64Array(string field)
    {
        var array = OptionalArray(field) ?? throw Missing(field);
        var result = new List<ulong>(array.GetArrayLength());
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt64(out ulong word))
                throw Fail($"{field}[{i}]", $"must be an integer in [0, {ulong.MaxValue}], got {Excerpt(item)}.");
            result.Add(word);
            i++;
        }
        return result;
    }

    private double FiniteDouble(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number)
            throw new CheckpointFormatException(FilePath, path, $"must be a number, got a JSON {StrictJson.Describe(value.ValueKind)} ({Excerpt(value)}).");
        if (!value.TryGetDouble(out double number) || !double.IsFinite(number))
            throw new CheckpointFormatException(FilePath, path, $"must be a finite number, got {Excerpt(value)}.");
        return number;
    }

    private CheckpointFormatException Missing(string field) => Fail(field, "is missing (or null); it is required.");

    private static string Excerpt(JsonElement value) => StrictJson.Excerpt(value);
}
