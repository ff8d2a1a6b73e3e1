using System.Text.Json;
using Reversal.Training.Data.Tokenization.ByteLevel;

namespace Reversal.Training.Data.Tokenization.PostProcessors;

/// <summary>The <c>ByteLevel</c> post-processor: only adjusts offsets in the reference implementation; ids are
/// unchanged. Kept for round-tripping.</summary>
internal sealed class ByteLevelPostProcessor(bool addPrefixSpace, bool trimOffsets, bool useRegex) : PostProcessor
{
    /// <summary><c>"add_prefix_space"</c>.</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary><c>"trim_offsets"</c>.</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary><c>"use_regex"</c>.</summary>
    public bool UseRegex { get; } = useRegex;

    /// <summary>Creates the component from its <c>tokenizer.json</c> flags.</summary>
    public static ByteLevelPostProcessor From(ByteLevelSettings settings) => new(settings.AddPrefixSpace, settings.TrimOffsets, settings.UseRegex);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        new ByteLevelSettings(AddPrefixSpace, TrimOffsets, UseRegex).Write(writer);
    }
}
