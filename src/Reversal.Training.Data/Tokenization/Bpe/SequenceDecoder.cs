using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>The <c>Sequence</c> decoder: applies <see cref="Decoders"/> in order.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<TokenDecoder> decoders) : TokenDecoder
{
    /// <summary>The decoders, in order (<c>"decoders"</c>).</summary>
    public IReadOnlyList<TokenDecoder> Decoders { get; } = decoders;

    /// <summary>Reads <c>{"type": "Sequence", "decoders": [...]}</c>.</summary>
    public static SequenceDecoder FromJson(JsonElement element, JsonScope scope)
    {
        JsonElement items = scope.RequiredArray(element, "decoders");
        var list = new List<TokenDecoder>();
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            JsonScope itemScope = scope.Child("decoders").Item(index++);
            list.Add(TokenDecoder.Parse(item, itemScope) ?? throw itemScope.Error("must not be null"));
        }
        return new SequenceDecoder(list);
    }

    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens)
    {
        foreach (TokenDecoder decoder in Decoders) tokens = decoder.DecodeChain(tokens);
        return tokens;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("decoders");
        foreach (TokenDecoder decoder in Decoders) decoder.Write(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
