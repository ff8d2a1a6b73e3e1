using System.Text.Json;

namespace Reversal.Training.Data.Jsonl;

/// <summary>One JSON object line of a JSONL file, with the location needed for error messages.</summary>
/// <param name="FilePath">The file.</param>
/// <param name="LineNumber">1-based line number.</param>
/// <param name="Root">The line's JSON object (valid only while the reader's callback runs).</param>
public readonly record struct JsonlRecord(string FilePath, int LineNumber, JsonElement Root)
{
    /// <summary>The string field <paramref name="name"/>.</summary>
    /// <exception cref="JsonlFormatException">The field is missing or not a string (the message names file, line and field).</exception>
    public string RequiredString(string name)
    {
        if (!Root.TryGetProperty(name, out JsonElement value))
            throw Error($"'{name}' is missing");
        if (value.ValueKind != JsonValueKind.String)
            throw Error($"'{name}' must be a string, found {value.ValueKind}");
        return value.GetString()!;
    }

    /// <summary>An exception naming this record's file and line.</summary>
    public JsonlFormatException Error(string problem, Exception? inner = null) => new(FilePath, LineNumber, problem, inner);
}
