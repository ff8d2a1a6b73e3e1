using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>
/// Where a value sits in a <c>tokenizer.json</c> file being read (the file and a path such as
/// <c>normalizer.normalizers[1]</c>), with typed accessors that throw a <see cref="TokenizerFormatException"/>
/// naming both when a field is missing or has the wrong JSON type.
/// </summary>
internal readonly struct JsonScope
{
    /// <summary>Creates the scope of the document root of <paramref name="filePath"/>.</summary>
    public JsonScope(string filePath, string where = "")
    {
        FilePath = filePath;
        Where = where;
    }

    /// <summary>The tokenizer file, as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>The JSON path of the value (empty for the root).</summary>
    public string Where { get; }

    /// <summary>The scope of the property <paramref name="name"/> of this value.</summary>
    public JsonScope Child(string name) => new(FilePath, Where.Length == 0 ? name : $"{Where}.{name}");

    /// <summary>The scope of the array item <paramref name="index"/> of this value.</summary>
    public JsonScope Item(int index) => new(FilePath, $"{Where}[{index}]");

    /// <summary>An exception naming the file, this path and <paramref name="problem"/>.</summary>
    public TokenizerFormatException Error(string problem, Exception? inner = null)
        => new(FilePath, Where.Length == 0 ? problem : $"{Where}: {problem}", inner);

    /// <summary>Throws unless <paramref name="value"/> is a JSON object.</summary>
    public void RequireObject(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Error($"must be a JSON object, found {value.ValueKind}");
    }

    /// <summary>The property <paramref name="name"/> of the object <paramref name="value"/>; throws when it is missing.</summary>
    public JsonElement Required(JsonElement value, string name)
        => value.TryGetProperty(name, out JsonElement property) ? property : throw Error($"'{name}' is missing");

    /// <summary>The string property <paramref name="name"/>; throws when it is missing or not a string.</summary>
    public string RequiredString(JsonElement value, string name)
    {
        JsonElement property = Required(value, name);
        return property.ValueKind == JsonValueKind.String
            ? property.GetString()!
            : throw Child(name).Error($"must be a string, found {property.ValueKind}");
    }

    /// <summary>The string property <paramref name="name"/>, or null when it is missing or null.</summary>
    public string? OptionalString(JsonElement value, string name)
    {
        if (!value.TryGetProperty(name, out JsonElement property) || property.ValueKind == JsonValueKind.Null) return null;
        return property.ValueKind == JsonValueKind.String
            ? property.GetString()!
            : throw Child(name).Error($"must be a string or null, found {property.ValueKind}");
    }

    /// <summary>The boolean property <paramref name="name"/>, or null when it is missing or null.</summary>
    public bool? OptionalBool(JsonElement value, string name)
    {
        if (!value.TryGetProperty(name, out JsonElement property) || property.ValueKind == JsonValueKind.Null) return null;
        return property.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Child(name).Error($"must be true or false, found {property.ValueKind}"),
        };
    }

    /// <summary>The integer property <paramref name="name"/>, or null when it is missing or null.</summary>
    public int? OptionalInt(JsonElement value, string name)
    {
        if (!value.TryGetProperty(name, out JsonElement property) || property.ValueKind == JsonValueKind.Null) return null;
        return property.ValueKind == JsonValueKind.Number && property.TryGetInt32(out int result)
            ? result
            : throw Child(name).Error($"must be a 32-bit integer, found {property.GetRawText()}");
    }

    /// <summary>The integer property <paramref name="name"/>; throws when it is missing or not an integer.</summary>
    public int RequiredInt(JsonElement value, string name)
    {
        Required(value, name);
        return OptionalInt(value, name) ?? throw Child(name).Error("must be an integer, found null");
    }

    /// <summary>The array property <paramref name="name"/>; throws when it is missing or not an array.</summary>
    public JsonElement RequiredArray(JsonElement value, string name)
    {
        JsonElement property = Required(value, name);
        return property.ValueKind == JsonValueKind.Array
            ? property
            : throw Child(name).Error($"must be an array, found {property.ValueKind}");
    }

    /// <summary>The <c>"type"</c> of a component object.</summary>
    public string TypeOf(JsonElement component)
    {
        RequireObject(component);
        return RequiredString(component, "type");
    }
}
