using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Normalizers;

/// <summary>The <c>Lowercase</c> normalizer: lower-cases text with the invariant culture (simple case mapping; the
/// Rust implementation uses full mapping, which differs for a handful of characters such as U+0130).</summary>
internal sealed class LowercaseNormalizer : Normalizer
{
    /// <inheritdoc />
    public override string Normalize(string text) => text.ToLowerInvariant();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Lowercase");
        writer.WriteEndObject();
    }
}
