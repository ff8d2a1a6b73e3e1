using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Normalizers;

/// <summary>The <c>Prepend</c> normalizer: puts <see cref="Prefix"/> in front of every non-empty text (SentencePiece's
/// <c>▁</c> before the first word).</summary>
internal sealed class PrependNormalizer(string prefix) : Normalizer
{
    /// <summary>The text prepended (<c>"prepend"</c>).</summary>
    public string Prefix { get; } = prefix;

    /// <inheritdoc />
    public override string Normalize(string text) => text.Length == 0 ? text : Prefix + text;

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Prepend");
        writer.WriteString("prepend", Prefix);
        writer.WriteEndObject();
    }
}
