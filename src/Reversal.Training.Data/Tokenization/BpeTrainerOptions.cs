namespace Reversal.Training.Data.Tokenization;

/// <summary>How <see cref="BpeTrainer.Train"/> builds a byte-level BPE vocabulary.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>The total vocabulary size to reach: special tokens + 256 byte symbols + merged tokens. Training stops
    /// earlier when no pair is frequent enough. Must be at least the number of special tokens + 256; default 1000.</summary>
    public int VocabSize { get; init; } = 1000;

    /// <summary>Special tokens, given ids 0, 1, ... in this order; written literally in a text they encode to their
    /// id. Default <c>&lt;pad&gt;, &lt;unk&gt;, &lt;bos&gt;, &lt;eos&gt;</c> (so <see cref="ITokenizer.SpecialTokens"/>
    /// is <see cref="Reversal.Training.Objectives.SpecialTokenIds.Default"/>). Each must be non-empty, distinct, and not a
    /// single byte-alphabet character.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = ["<pad>", "<unk>", "<bos>", "<eos>"];

    /// <summary>A pair seen fewer times than this (weighted by word frequency) is never merged. At least 1; default 2.</summary>
    public int MinFrequency { get; init; } = 2;
}
