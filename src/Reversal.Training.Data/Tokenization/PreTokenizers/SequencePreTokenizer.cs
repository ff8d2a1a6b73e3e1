using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>The <c>Sequence</c> pre-tokenizer: applies <see cref="PreTokenizers"/> in order, each to every piece the
/// previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizer> preTokenizers) : PreTokenizer
{
    /// <summary>The pre-tokenizers, in order (<c>"pretokenizers"</c>).</summary>
    public IReadOnlyList<PreTokenizer> PreTokenizers { get; } = preTokenizers;

    /// <inheritdoc />
    public override void PreTokenize(string text, List<string> pieces)
    {
        var current = new List<string> { text };
        var next = new List<string>();
        foreach (PreTokenizer preTokenizer in PreTokenizers)
        {
            next.Clear();
            foreach (string piece in current) preTokenizer.PreTokenize(piece, next);
            (current, next) = (next, current);
        }
        foreach (string piece in current)
            if (piece.Length > 0) pieces.Add(piece);
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
