using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.ByteLevel;

/// <summary>
/// The three flags every <c>ByteLevel</c> component (pre-tokenizer, decoder, post-processor) carries in
/// <c>tokenizer.json</c>; each defaults to true when absent, as in the reference implementation.
/// </summary>
/// <param name="AddPrefixSpace"><c>"add_prefix_space"</c>.</param>
/// <param name="TrimOffsets"><c>"trim_offsets"</c>.</param>
/// <param name="UseRegex"><c>"use_regex"</c>.</param>
internal readonly record struct ByteLevelSettings(bool AddPrefixSpace, bool TrimOffsets, bool UseRegex)
{
    /// <summary>Reads the flags of a <c>ByteLevel</c> component.</summary>
    public static ByteLevelSettings Read(JsonElement element, JsonScope scope) => new(
        scope.OptionalBool(element, "add_prefix_space") ?? true,
        scope.OptionalBool(element, "trim_offsets") ?? true,
        scope.OptionalBool(element, "use_regex") ?? true);

    /// <summary>Writes the component object <c>{"type": "ByteLevel", ...flags}</c>.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "ByteLevel");
        writer.WriteBoolean("add_prefix_space", AddPrefixSpace);
        writer.WriteBoolean("trim_offsets", TrimOffsets);
        writer.WriteBoolean("use_regex", UseRegex);
        writer.WriteEndObject();
    }
}
