using System.Text.Json;
using Reversal.Training.Data.Tokenization.Patterns;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>The <c>Replace</c> decoder: replaces every match of <see cref="Pattern"/> in each token by
/// <see cref="Content"/> (e.g. SentencePiece's <c>▁</c> by a space).</summary>
internal sealed class ReplaceDecoder(TextPattern pattern, string content) : TokenDecoder
{
    /// <summary>What is replaced (<c>"pattern"</c>).</summary>
    public TextPattern Pattern { get; } = pattern;

    /// <summary>The replacement, taken literally (<c>"content"</c>).</summary>
    public string Content { get; } = content;

    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(token => Pattern.Replace(token, Content));

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Replace");
        Pattern.Write(writer, "pattern");
        writer.WriteString("content", Content);
        writer.WriteEndObject();
    }
}
