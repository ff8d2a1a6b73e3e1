using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>
/// A <c>"normalizer"</c> component of a <c>tokenizer.json</c>: rewrites the text between added tokens before it is
/// pre-tokenized. Supported types: <c>NFC</c>, <c>NFD</c>, <c>NFKC</c>, <c>NFKD</c>, <c>Lowercase</c>,
/// <c>Prepend</c>, <c>Replace</c> and <c>Sequence</c>.
/// </summary>
internal abstract class Normalizer
{
    /// <summary>The supported <c>"type"</c> values, for error messages.</summary>
    public const string SupportedTypes = "NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Sequence";

    /// <summary>The normalized form of <paramref name="text"/>.</summary>
    public abstract string Normalize(string text);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);

    /// <summary>Reads a normalizer; JSON null (or a missing field) gives null.</summary>
    /// <exception cref="TokenizerFormatException">Unsupported type or malformed fields.</exception>
    public static Normalizer? Parse(JsonElement element, JsonScope scope)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        string type = scope.TypeOf(element);
        return type switch
        {
            "NFC" or "NFD" or "NFKC" or "NFKD" => new UnicodeNormalizer(type),
            "Lowercase" => new LowercaseNormalizer(),
            "Prepend" => new PrependNormalizer(scope.RequiredString(element, "prepend")),
            "Replace" => new ReplaceNormalizer(
                TextPattern.Parse(scope.Required(element, "pattern"), scope.Child("pattern")), scope.RequiredString(element, "content")),
            "Sequence" => SequenceNormalizer.FromJson(element, scope),
            _ => throw scope.Error($"unsupported normalizer type \"{type}\" (supported: {SupportedTypes})"),
        };
    }
}
