using System.Text.Json;
using Reversal.Training.Data.Tokenization.ByteLevel;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.PostProcessors;

/// <summary>
/// A <c>"post_processor"</c> component of a <c>tokenizer.json</c>. <see cref="BpeTokenizer.Encode"/> does not apply
/// it (it adds only the BOS/EOS the caller asks for); it is kept so a saved file keeps it, and a
/// <c>TemplateProcessing</c> tells which tokens a model expects around a sequence. The supported types are those of
/// <see cref="Types"/>.
/// </summary>
internal abstract class PostProcessor
{
    /// <summary>Every supported post-processor <c>"type"</c> and how it is read: the one place a post-processor is
    /// registered.</summary>
    public static ComponentTable<PostProcessor> Types { get; } = new("post-processor",
        ("TemplateProcessing", TemplatePostProcessor.Read),
        ("ByteLevel", static (element, scope) => ByteLevelPostProcessor.From(ByteLevelSettings.Read(element, scope))),
        ("Sequence", static (element, scope) => new SequencePostProcessor(Types!.ReadList(element, scope, "processors"))));

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);

    /// <summary>The special tokens (their names in the template) the single-sequence template puts before the
    /// sequence and after it; empty when the processor adds none.</summary>
    public virtual (IReadOnlyList<string> Before, IReadOnlyList<string> After) SingleTemplateSpecialTokens => ([], []);
}
