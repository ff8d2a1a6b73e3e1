using System.Text.Json;

namespace Reversal.Training.Serialization;

/// <summary>
/// Reads the JSON files of checkpoint folders (<c>config.json</c>, <c>model.safetensors.index.json</c>,
/// <c>trainer_state.json</c>) through <see cref="StrictJson"/>, every problem a <see cref="CheckpointFormatException"/>
/// naming the file, the field (JSON path) and the byte position.
/// </summary>
internal static class CheckpointJson
{
    /// <summary>Reads <paramref name="path"/> after checking its length against <paramref name="maxBytes"/>, and parses it as a JSON object.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="CheckpointFormatException">The file is longer than <paramref name="maxBytes"/>, or not a strict JSON object.</exception>
    public static JsonDocument ReadObject(string path, long maxBytes)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            long length = stream.Length;
            if (length > maxBytes)
                throw new CheckpointFormatException(path, null, $"the file is {length} bytes long; files of this kind are limited to {maxBytes} bytes.");
            bytes = new byte[length];
            stream.ReadExactly(bytes);
        }
        return ParseObject(bytes, path);
    }

    /// <summary>Reads the JSON object file at <paramref name="path"/> (a <paramref name="what"/>, for the not-found message)
    /// and hands its fields to <paramref name="read"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is too long or not a strict JSON object, or <paramref name="read"/> refuses it.</exception>
    public static T ReadFields<T>(string path, long maxBytes, string what, Func<CheckpointJsonFields, T> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
        using var document = ReadObject(path, maxBytes);
        return read(new CheckpointJsonFields(document.RootElement, path));
    }

    /// <summary>Parses <paramref name="json"/> (named <paramref name="filePath"/> in errors) and hands its fields to <paramref name="read"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not a strict JSON object, or <paramref name="read"/> refuses it.</exception>
    public static T ParseFields<T>(string json, string filePath, Func<CheckpointJsonFields, T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = ParseObject(System.Text.Encoding.UTF8.GetBytes(json), filePath);
        return read(new CheckpointJsonFields(document.RootElement, filePath));
    }

    /// <summary>A JSON object of <paramref name="fields"/> with keys sorted (ordinal), two-space indentation and a trailing
    /// newline, as Python's <c>json.dumps(indent=2, sort_keys=True)</c> lays it out (Hugging Face's config files).</summary>
    public static string SerializeSorted(IEnumerable<(string Key, Action<Utf8JsonWriter> Write)> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            foreach (var (key, write) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                write(writer);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Parses <paramref name="json"/> as a JSON object; <paramref name="filePath"/> names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">Not a strict JSON object.</exception>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> json, string filePath) =>
        StrictJson.ParseObject(json, problem => new CheckpointFormatException(filePath, problem.PathText, problem.Description));
}
