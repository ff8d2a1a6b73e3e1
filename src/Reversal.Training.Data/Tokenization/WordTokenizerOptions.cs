namespace Reversal.Training.Data.Tokenization;

/// <summary>How <see cref="WordTokenizer.Fit"/> builds its vocabulary.</summary>
public sealed record WordTokenizerOptions
{
    /// <summary>Lower-case text (invariant culture) before fitting and encoding. Special tokens are matched before
    /// lower-casing, case-sensitively. Default false.</summary>
    public bool LowerCase { get; init; }

    /// <summary>Words seen fewer times than this in the corpus are left out of the vocabulary (they encode to
    /// <c>&lt;unk&gt;</c>). Must be at least 1; default 1.</summary>
    public int MinFrequency { get; init; } = 1;

    /// <summary>Upper bound on the total vocabulary size, special tokens included; the least frequent words beyond
    /// it are left out (they encode to <c>&lt;unk&gt;</c>). Null (the default) means no bound. Must be at least the
    /// number of special tokens.</summary>
    public int? MaxVocabSize { get; init; }

    /// <summary>Special tokens added after <c>&lt;pad&gt;, &lt;unk&gt;, &lt;bos&gt;, &lt;eos&gt;</c>, in this order
    /// (ids 4, 5, ...), e.g. <c>[MASK]</c>, <c>[sop]</c>, <c>[eop]</c> for blank infilling. Written literally in a
    /// text, they encode to their id. Default empty.</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];
}
