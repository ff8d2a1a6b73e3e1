using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>
/// A <c>"pre_tokenizer"</c> component of a <c>tokenizer.json</c>: cuts normalized text into the pieces ("words")
/// the model encodes independently. Supported types: <c>Split</c>, <c>ByteLevel</c> and <c>Sequence</c>.
/// </summary>
internal abstract class PreTokenizer
{
    /// <summary>The supported <c>"type"</c> values, for error messages.</summary>
    public const string SupportedTypes = "ByteLevel, Split, Sequence";

    /// <summary>Cuts <paramref name="text"/> and appends its non-empty pieces to <paramref name="pieces"/>, in order.</summary>
    public abstract void PreTokenize(string text, List<string> pieces);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);

    /// <summary>Reads a pre-tokenizer; JSON null gives null.</summary>
    /// <exception cref="TokenizerFormatException">Unsupported type or malformed fields.</exception>
    public static PreTokenizer? Parse(JsonElement element, JsonScope scope)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        string type = scope.TypeOf(element);
        return type switch
        {
            "ByteLevel" => ByteLevelPreTokenizer.From(ByteLevelSettings.Read(element, scope)),
            "Split" => SplitPreTokenizer.FromJson(element, scope),
            "Sequence" => SequencePreTokenizer.FromJson(element, scope),
            _ => throw scope.Error($"unsupported pre-tokenizer type \"{type}\" (supported: {SupportedTypes})"),
        };
    }
}
