using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Normalizers;

/// <summary>The <c>Sequence</c> normalizer: applies <see cref="Normalizers"/> in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<Normalizer> normalizers) : Normalizer
{
    /// <summary>The normalizers, in the order they are applied (<c>"normalizers"</c>).</summary>
    public IReadOnlyList<Normalizer> Normalizers { get; } = normalizers;

    /// <inheritdoc />
    public override string Normalize(string text)
    {
        foreach (Normalizer normalizer in Normalizers) text = normalizer.Normalize(text);
        return text;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Sequence");
        writer.WriteStartArray("normalizers");
        foreach (Normalizer normalizer in Normalizers) normalizer.Write(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
