using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>
/// A <c>"decoder"</c> component of a <c>tokenizer.json</c>: turns the token strings of a decoded id sequence back
/// into text. Each decoder maps a list of strings to a list of strings (so decoders can be chained); the final text
/// is their concatenation. Supported types: <c>ByteLevel</c>, <c>ByteFallback</c>, <c>Fuse</c>, <c>Replace</c>,
/// <c>Strip</c>, <c>BPEDecoder</c> and <c>Sequence</c>.
/// </summary>
internal abstract class TokenDecoder
{
    /// <summary>The supported <c>"type"</c> values, for error messages.</summary>
    public const string SupportedTypes = "ByteLevel, ByteFallback, Fuse, Replace, Strip, BPEDecoder, Sequence";

    /// <summary>Transforms the token strings.</summary>
    public abstract List<string> DecodeChain(List<string> tokens);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);

    /// <summary>Reads a decoder; JSON null gives null.</summary>
    /// <exception cref="TokenizerFormatException">Unsupported type or malformed fields.</exception>
    public static TokenDecoder? Parse(JsonElement element, JsonScope scope)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        string type = scope.TypeOf(element);
        return type switch
        {
            "ByteLevel" => ByteLevelDecoder.From(ByteLevelSettings.Read(element, scope)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Replace" => new ReplaceDecoder(
                TextPattern.Parse(scope.Required(element, "pattern"), scope.Child("pattern")), scope.RequiredString(element, "content")),
            "Strip" => StripDecoder.FromJson(element, scope),
            "BPEDecoder" => new BpeSuffixDecoder(scope.OptionalString(element, "suffix") ?? "</w>"),
            "Sequence" => SequenceDecoder.FromJson(element, scope),
            _ => throw scope.Error($"unsupported decoder type \"{type}\" (supported: {SupportedTypes})"),
        };
    }
}
