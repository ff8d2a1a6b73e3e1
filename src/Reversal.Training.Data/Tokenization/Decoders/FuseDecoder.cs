using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>The <c>Fuse</c> decoder: concatenates all tokens into one.</summary>
internal sealed class FuseDecoder : TokenDecoder
{
    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Fuse");
        writer.WriteEndObject();
    }
}
