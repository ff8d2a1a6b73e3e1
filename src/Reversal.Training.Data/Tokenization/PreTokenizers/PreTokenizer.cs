using System.Text.Json;
using Reversal.Training.Data.Tokenization.ByteLevel;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>
/// A <c>"pre_tokenizer"</c> component of a <c>tokenizer.json</c>: cuts normalized text into the pieces ("words")
/// the model encodes independently. The supported types are those of <see cref="Types"/>.
/// </summary>
internal abstract class PreTokenizer
{
    /// <summary>Every supported pre-tokenizer <c>"type"</c> and how it is read: the one place a pre-tokenizer is
    /// registered.</summary>
    public static ComponentTable<PreTokenizer> Types { get; } = new("pre-tokenizer",
        ("ByteLevel", static (element, scope) => ByteLevelPreTokenizer.From(ByteLevelSettings.Read(element, scope))),
        ("Split", SplitPreTokenizer.Read),
        ("Sequence", static (element, scope) => new SequencePreTokenizer(Types!.ReadList(element, scope, "pretokenizers"))));

    /// <summary>Cuts <paramref name="text"/> and appends its non-empty pieces to <paramref name="pieces"/>, in order.</summary>
    public abstract void PreTokenize(string text, List<string> pieces);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);
}
