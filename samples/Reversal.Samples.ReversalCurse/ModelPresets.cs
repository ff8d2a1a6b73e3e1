using Reversal.Training.Models;

namespace Reversal.Samples.ReversalCurse;

/// <summary>The samples' model sizes by <c>--preset</c> name, with a context long enough for every objective's rewriting of the data.</summary>
public static class ModelPresets
{
    /// <summary>The <c>--preset</c> values: <c>tiny</c> (d128, 4 layers) and <c>small</c> (d256, 6 layers).</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small"];

    /// <summary>
    /// The preset's config for <paramref name="vocabSize"/> tokens, with room for the longest example after blank
    /// infilling (each span adds a [MASK] and a [sop]/[eop] pair) or segment reversal (a [REV] between segments):
    /// twice the longest example, at least 64 positions.
    /// </summary>
    /// <exception cref="ArgumentException">The preset is not one of <see cref="Names"/>.</exception>
    public static LlamaConfig Config(string preset, int vocabSize, int longestExample)
    {
        int context = Math.Max(64, 2 * longestExample);
        return preset switch
        {
            "tiny" => LlamaConfig.Tiny(vocabSize) with { MaxPositionEmbeddings = context },
            "small" => LlamaConfig.Small(vocabSize) with { MaxPositionEmbeddings = context },
            _ => throw new ArgumentException($"Unknown preset '{preset}'; choose {string.Join(" or ", Names)}.", nameof(preset)),
        };
    }
}
