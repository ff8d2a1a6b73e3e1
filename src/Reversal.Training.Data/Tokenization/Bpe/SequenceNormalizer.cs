using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Bpe;

/// <summary>The <c>Sequence</c> normalizer: applies <see cref="Normalizers"/> in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<Normalizer> normalizers) : Normalizer
{
    /// <summary>The normalizers, in the order they are applied (<c>"normalizers"</c>).</summary>
    public IReadOnlyList<Normalizer> Normalizers { get; } = normalizers;

    /// <summary>Reads <c>{"type": "Sequence", "normalizers": [...]}</c>.</summary>
    public static SequenceNormalizer FromJson(JsonElement element, JsonScope scope)
    {
        JsonElement items = scope.RequiredArray(element, "normalizers");
        var normalizers = new List<Normalizer>();
        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            JsonScope itemScope = scope.Child("normalizers").Item(index++);
            normalizers.Add(Normalizer.Parse(item, itemScope) ?? throw itemScope.Error("must not be null"));
        }
        return new SequenceNormalizer(normalizers);
    }

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
