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

    /// <summary>Parses <paramref name="json"/> as a JSON object; <paramref name="filePath"/> names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">Not a strict JSON object.</exception>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> json, string filePath) =>
        StrictJson.ParseObject(json, problem => new CheckpointFormatException(filePath, problem.PathText, problem.Description));
}
