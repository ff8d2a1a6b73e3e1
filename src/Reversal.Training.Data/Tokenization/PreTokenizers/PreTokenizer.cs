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

    /// <summary>Cuts <paramref name="text"/> and appends its non-empty pieces to <paramref name="pieces"/>, in order
    /// (without tracing where their characters came from).</summary>
    public void PreTokenize(string text, List<PreTokenizedPiece> pieces) => PreTokenize(new PreTokenizedPiece(text, 0), pieces, trace: false);

    /// <summary>Cuts <paramref name="piece"/> and appends its non-empty pieces to <paramref name="pieces"/>, in order.</summary>
    /// <param name="piece">The text to cut, with the sources of its characters.</param>
    /// <param name="pieces">Receives the pieces.</param>
    /// <param name="trace">Keep the sources of every character (for token offsets); without it, a piece whose
    /// characters were rewritten carries no sources.</param>
    public abstract void PreTokenize(in PreTokenizedPiece piece, List<PreTokenizedPiece> pieces, bool trace);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);
}
