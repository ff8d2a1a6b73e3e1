namespace Reversal.Training.Data.Tokenization.Json;

/// <summary>The top-level fields of a <c>tokenizer.json</c> that encoding does not use, kept for saving.</summary>
/// <param name="Version">The <c>"version"</c> string (<c>"1.0"</c>).</param>
/// <param name="TruncationJson">The raw JSON of <c>"truncation"</c>, or null.</param>
/// <param name="PaddingJson">The raw JSON of <c>"padding"</c>, or null.</param>
internal sealed record BpeTokenizerFileInfo(string Version, string? TruncationJson, string? PaddingJson)
{
    /// <summary>Version 1.0, no truncation, no padding.</summary>
    public static BpeTokenizerFileInfo Default { get; } = new("1.0", null, null);
}
