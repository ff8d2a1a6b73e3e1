namespace Reversal.Training.Data.Tokenization.Models.Bpe;

/// <summary>The scalar fields of a BPE <c>"model"</c> (everything but vocabulary and merges).</summary>
internal sealed record BpeModelSettings
{
    /// <summary><c>"unk_token"</c>: what an unknown character encodes to; null means unknown characters are dropped
    /// (the Rust library fails instead; with byte-level or byte-fallback vocabularies nothing is ever unknown).</summary>
    public string? UnkToken { get; init; }

    /// <summary><c>"continuing_subword_prefix"</c>: put before every character but a word's first (e.g. <c>##</c>);
    /// null and empty mean none. Kept as written (null vs empty) for saving.</summary>
    public string? ContinuingSubwordPrefix { get; init; }

    /// <summary><c>"end_of_word_suffix"</c>: put after a word's last character (e.g. <c>&lt;/w&gt;</c>); null and
    /// empty mean none.</summary>
    public string? EndOfWordSuffix { get; init; }

    /// <summary><c>"fuse_unk"</c>: consecutive unknown characters of a word give one unknown token.</summary>
    public bool FuseUnk { get; init; }

    /// <summary><c>"byte_fallback"</c>: an unknown character becomes its UTF-8 byte tokens <c>&lt;0xNN&gt;</c>.</summary>
    public bool ByteFallback { get; init; }

    /// <summary><c>"ignore_merges"</c>: a word that is itself in the vocabulary encodes to that token directly. Null
    /// when the file has no such field (same as false).</summary>
    public bool? IgnoreMerges { get; init; }

    /// <summary><c>"dropout"</c>: only null (or 0) is supported; kept for saving.</summary>
    public double? Dropout { get; init; }

    /// <summary>Write merges as <c>"a b"</c> strings (the older format) rather than <c>["a", "b"]</c> pairs.</summary>
    public bool MergesAsStrings { get; init; }
}
