using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>The <c>Sequence</c> pre-tokenizer: applies <see cref="PreTokenizers"/> in order, each to every piece the
/// previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizer> preTokenizers) : PreTokenizer
{
    /// <summary>The pre-tokenizers, in order (<c>"pretokenizers"</c>).</summary>
    public IReadOnlyList<PreTokenizer> PreTokenizers { get; } = preTokenizers;

    /// <inheritdoc />
    public override void PreTokenize(in PreTokenizedPiece piece, List<PreTokenizedPiece> pieces, bool trace)
    {
        var current = new List<PreTokenizedPiece> { piece };
        var next = new List<PreTokenizedPiece>();
        foreach (PreTokenizer preTokenizer in PreTokenizers)
        {
            next.Clear();
            foreach (PreTokenizedPiece part in current) preTokenizer.PreTokenize(part, next, trace);
            (current, next) = (next, current);
        }
        foreach (PreTokenizedPiece part in current)
            if (part.Text.Length > 0) pieces.Add(part);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("pretokenizers");
        foreach (PreTokenizer preTokenizer in PreTokenizers) preTokenizer.Write(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
