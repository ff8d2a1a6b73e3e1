using System.Text.Json;
using Reversal.Training.Data.Tokenization.Patterns;

namespace Reversal.Training.Data.Tokenization.Normalizers;

/// <summary>The <c>Replace</c> normalizer: replaces every match of <see cref="Pattern"/> by <see cref="Content"/>
/// (e.g. a space by SentencePiece's <c>▁</c>).</summary>
internal sealed class ReplaceNormalizer(TextPattern pattern, string content) : Normalizer
{
    /// <summary>What is replaced (<c>"pattern"</c>).</summary>
    public TextPattern Pattern { get; } = pattern;

    /// <summary>The replacement, taken literally (<c>"content"</c>).</summary>
    public string Content { get; } = content;

    /// <inheritdoc />
    public override string Normalize(string text) => Pattern.Replace(text, Content);

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
