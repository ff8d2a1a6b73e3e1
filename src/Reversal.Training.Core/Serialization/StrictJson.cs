using System.Text.Json;

namespace Reversal.Training.Serialization;

/// <summary>Parses checkpoint JSON files (config, shard index) refusing invalid JSON, non-object roots and repeated keys.</summary>
internal static class StrictJson
{
    /// <summary>Parses <paramref name="bytes"/> as a JSON object; the caller disposes the document.</summary>
    /// <exception cref="CheckpointFormatException">Not JSON, not an object, or a key repeated within one object (named).</exception>
    public static JsonDocument ParseObject(byte[] bytes, string filePath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(filePath, null, $"not valid JSON ({ex.Message})");
        }
        try
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(filePath, null, $"the content is a JSON {Describe(document.RootElement.ValueKind)}, not an object.");
            RefuseDuplicateKeys(document.RootElement, filePath, prefix: "");
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Reads <paramref name="path"/> and parses it as <see cref="ParseObject(byte[], string)"/>.</summary>
    public static JsonDocument ReadObject(string path) => ParseObject(File.ReadAllBytes(path), path);

    /// <summary>The JSON type name used in messages ("string", "number", ...).</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static void RefuseDuplicateKeys(JsonElement element, string filePath, string prefix)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                string path = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
                if (!seen.Add(property.Name))
                    throw new CheckpointFormatException(filePath, path, "the key appears more than once.");
                RefuseDuplicateKeys(property.Value, filePath, path);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray()) RefuseDuplicateKeys(item, filePath, $"{prefix}[{i++}]");
        }
    }
}
