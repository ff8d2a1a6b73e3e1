using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>The <c>Sequence</c> decoder: applies <see cref="Decoders"/> in order.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<TokenDecoder> decoders) : TokenDecoder
{
    /// <summary>The decoders, in order (<c>"decoders"</c>).</summary>
    public IReadOnlyList<TokenDecoder> Decoders { get; } = decoders;

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
