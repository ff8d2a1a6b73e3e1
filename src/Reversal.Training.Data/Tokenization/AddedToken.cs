namespace Reversal.Training.Data.Tokenization;

/// <summary>
/// An entry of a <c>tokenizer.json</c>'s <c>"added_tokens"</c>: a token found literally in the input text before
/// normalization and pre-tokenization (e.g. <c>&lt;s&gt;</c>, <c>&lt;|im_start|&gt;</c>), which always encodes to
/// <see cref="Id"/>.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The token text.</param>
public sealed record AddedToken(int Id, string Content)
{
    /// <summary>A special token (<c>"special"</c>): left out by <see cref="ITokenizer.Decode"/> when it skips special
    /// tokens.</summary>
    public bool Special { get; init; }

    /// <summary>Only match when not inside a word (<c>"single_word"</c>): the characters before and after the match
    /// must not be letters, digits or <c>_</c>.</summary>
    public bool SingleWord { get; init; }

    /// <summary>Swallow the white space before a match (<c>"lstrip"</c>).</summary>
    public bool LStrip { get; init; }

    /// <summary>Swallow the white space after a match (<c>"rstrip"</c>).</summary>
    public bool RStrip { get; init; }

    /// <summary>Match in the normalized text rather than the raw input (<c>"normalized"</c>); the content is then
    /// normalized too before matching.</summary>
    public bool Normalized { get; init; }
}
