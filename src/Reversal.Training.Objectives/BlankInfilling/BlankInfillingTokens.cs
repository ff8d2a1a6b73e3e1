namespace Reversal.Training.Objectives;

/// <summary>The three special tokens of GLM blank infilling.</summary>
/// <param name="Mask">Replaces each span in Part A (<c>[MASK]</c>).</param>
/// <param name="StartOfPiece">Starts each span in Part B (<c>[sop]</c>).</param>
/// <param name="EndOfPiece">Ends each span's targets in Part B (<c>[eop]</c>).</param>
public sealed record BlankInfillingTokens(int Mask, int StartOfPiece, int EndOfPiece)
{
    /// <summary>The token texts a tokenizer must define: <c>[MASK]</c>, <c>[sop]</c>, <c>[eop]</c>.</summary>
    public static IReadOnlyList<string> TokenTexts { get; } = ["[MASK]", "[sop]", "[eop]"];

    /// <summary>Looks the three tokens up by text (pass a tokenizer's <c>TokenToId</c>).</summary>
    /// <exception cref="ArgumentException">A token is missing from the vocabulary.</exception>
    public static BlankInfillingTokens From(Func<string, int?> tokenToId)
    {
        ArgumentNullException.ThrowIfNull(tokenToId);
        int Resolve(string text) => tokenToId(text)
            ?? throw new ArgumentException($"The tokenizer has no '{text}' token; blank infilling needs [MASK], [sop] and [eop] as special tokens (e.g. WordTokenizerOptions.AdditionalSpecialTokens).", nameof(tokenToId));
        return new BlankInfillingTokens(Resolve("[MASK]"), Resolve("[sop]"), Resolve("[eop]"));
    }
}
