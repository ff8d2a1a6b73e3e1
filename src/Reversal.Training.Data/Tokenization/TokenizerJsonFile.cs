using System.Text.Json;

namespace Reversal.Training.Data.Tokenization;

/// <summary>Reads a tokenizer's JSON file for the loaders: existence check, optional BOM, duplicate keys refused.</summary>
internal static class TokenizerJsonFile
{
    /// <summary>Parses <paramref name="path"/>; the caller disposes the document.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    /// <exception cref="TokenizerFormatException">The file is not valid JSON or repeats a key.</exception>
    public static JsonDocument Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file '{path}' was not found.", path);
        ReadOnlyMemory<byte> bytes = File.ReadAllBytes(path);
        if (bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException(path, $"not valid JSON ({ex.Message})", ex);
        }
    }
}
