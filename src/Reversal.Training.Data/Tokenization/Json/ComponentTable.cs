using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>
/// The component types of one pipeline stage of a <c>tokenizer.json</c> (normalizers, pre-tokenizers, models,
/// post-processors, decoders): each <c>"type"</c> name with the function that reads a component of that type. The
/// parser and the "supported types" list of its error message both come from this table, so a new component is
/// registered in exactly one place: the table of its stage.
/// </summary>
/// <typeparam name="T">The stage's component type.</typeparam>
internal sealed class ComponentTable<T>
    where T : class
{
    private readonly Dictionary<string, Func<JsonElement, JsonScope, T>> _readers;

    /// <summary>Creates the table of a stage.</summary>
    /// <param name="stage">The stage as error messages name it (e.g. <c>"pre-tokenizer"</c>).</param>
    /// <param name="entries">Every supported <c>"type"</c> and its reader, in the order the error message lists them.</param>
    public ComponentTable(string stage, params (string Type, Func<JsonElement, JsonScope, T> Read)[] entries)
    {
        Stage = stage;
        _readers = new Dictionary<string, Func<JsonElement, JsonScope, T>>(StringComparer.Ordinal);
        foreach ((string type, Func<JsonElement, JsonScope, T> read) in entries) _readers.Add(type, read);
        SupportedTypes = string.Join(", ", entries.Select(e => e.Type));
    }

    /// <summary>The stage, as error messages name it.</summary>
    public string Stage { get; }

    /// <summary>The supported <c>"type"</c> values, comma-separated, in registration order.</summary>
    public string SupportedTypes { get; }

    /// <summary>Reads a component object; JSON null or a missing value (<see cref="JsonValueKind.Undefined"/>)
    /// gives null.</summary>
    /// <exception cref="TokenizerFormatException">The value is not an object, has no string <c>"type"</c>, names a
    /// type missing from the table, or is malformed for its type.</exception>
    public T? ReadOptional(JsonElement element, JsonScope scope)
        => element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : Read(element, scope);

    /// <summary>Reads a component object that must be present.</summary>
    /// <exception cref="TokenizerFormatException">As <see cref="ReadOptional"/>, or the value is null.</exception>
    public T Read(JsonElement element, JsonScope scope)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) throw scope.Error($"a {Stage} is required, found null");
        string type = scope.TypeOf(element);
        return _readers.TryGetValue(type, out var read)
            ? read(element, scope)
            : throw scope.Error($"unsupported {Stage} type \"{type}\" (supported: {SupportedTypes})");
    }

    /// <summary>Reads the required array <paramref name="field"/> of <paramref name="element"/> whose items are
    /// components of this stage (the members of a <c>Sequence</c>); no item may be null.</summary>
    /// <exception cref="TokenizerFormatException">The field is missing or not an array, or an item is invalid (the
    /// message names its index).</exception>
    public List<T> ReadList(JsonElement element, JsonScope scope, string field)
    {
        JsonElement items = scope.RequiredArray(element, field);
        JsonScope listScope = scope.Child(field);
        var list = new List<T>(items.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray()) list.Add(Read(item, listScope.Item(index++)));
        return list;
    }
}
