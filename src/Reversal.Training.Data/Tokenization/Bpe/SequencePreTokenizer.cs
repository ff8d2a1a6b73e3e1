using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>The <c>Sequence</c> pre-tokenizer: applies <see cref="PreTokenizers"/> in order, each to every piece the
/// previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizer> preTokenizers) : PreTokenizer
{
    /// <summary>The pre-tokenizers, in order (<c>"pretokenizers"</c>).</summary>
    public IReadOnlyList<PreTokenizer> PreTokenizers { get; } = preTokenizers;

    /// <summary>Reads <c>{"type": "Sequence", "pretokenizers": [...]}</c>.</summary>
    public static SequencePreTokenizer FromJson(JsonElement element, JsonScope scope)
    {
        JsonElement items = scope.RequiredArray(element, "pretokenizers");
        var list = new List<PreTokenizer>();
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            JsonScope itemScope = scope.Child("pretokenizers").Item(index++);
            list.Add(PreTokenizer.Parse(item, itemScope) ?? throw itemScope.Error("must not be null"));
        }
        return new SequencePreTokenizer(list);
    }

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
