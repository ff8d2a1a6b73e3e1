using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>
/// A <c>"post_processor"</c> component of a <c>tokenizer.json</c>. <see cref="BpeTokenizer.Encode"/> does not apply
/// it (it adds only the BOS/EOS the caller asks for); it is kept so a saved file keeps it, and a
/// <c>TemplateProcessing</c> tells which tokens a model expects around a sequence. Supported types:
/// <c>TemplateProcessing</c>, <c>ByteLevel</c> and <c>Sequence</c>.
/// </summary>
internal abstract class PostProcessor
{
    /// <summary>The supported <c>"type"</c> values, for error messages.</summary>
    public const string SupportedTypes = "TemplateProcessing, ByteLevel, Sequence";

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);

    /// <summary>The special tokens (their names in the template) the single-sequence template puts before the
    /// sequence and after it; empty when the processor adds none.</summary>
    public virtual (IReadOnlyList<string> Before, IReadOnlyList<string> After) SingleTemplateSpecialTokens => ([], []);

    /// <summary>Reads a post-processor; JSON null gives null.</summary>
    /// <exception cref="TokenizerFormatException">Unsupported type or malformed fields.</exception>
    public static PostProcessor? Parse(JsonElement element, JsonScope scope)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        string type = scope.TypeOf(element);
        return type switch
        {
            "TemplateProcessing" => TemplatePostProcessor.FromJson(element, scope),
            "ByteLevel" => ByteLevelPostProcessor.From(ByteLevelSettings.Read(element, scope)),
            "Sequence" => SequencePostProcessor.FromJson(element, scope),
            _ => throw scope.Error($"unsupported post-processor type \"{type}\" (supported: {SupportedTypes})"),
        };
    }
}
