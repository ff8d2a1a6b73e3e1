using Reversal.Training.Objectives;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Examples;

/// <summary>Builds the <see cref="WordBoundaries"/> of a tokenizer from its token texts, for word-level and entity-preserving reversal.</summary>
public static class TokenizerWordBoundaries
{
    /// <summary>SentencePiece's word-start marker <c>▁</c> (U+2581).</summary>
    public const char SentencePieceMarker = '\u2581';

    /// <summary>Byte-level BPE's marker for a leading space, <c>Ġ</c> (U+0120).</summary>
    public const char ByteLevelSpaceMarker = '\u0120';

    /// <summary>
    /// The word boundaries of <paramref name="tokenizer"/>: a token begins a word when its text starts with
    /// <see cref="SentencePieceMarker"/> or <see cref="ByteLevelSpaceMarker"/>, or when it is a special token (padding,
    /// unknown, BOS, EOS). When no token of the vocabulary carries either marker the tokenizer is word-level and every
    /// token is a word (<see cref="WordBoundaries.EveryToken"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is null.</exception>
    public static WordBoundaries For(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var table = new bool[tokenizer.VocabSize];
        bool anyMarker = false;
        var special = tokenizer.SpecialTokens;
        for (int id = 0; id < table.Length; id++)
        {
            string text = tokenizer.IdToToken(id);
            bool marked = text.Length > 0 && (text[0] == SentencePieceMarker || text[0] == ByteLevelSpaceMarker);
            anyMarker |= marked;
            table[id] = marked || special.IsStructural(id) || id == special.Unk;
        }
        return anyMarker ? WordBoundaries.FromTable(table) : WordBoundaries.EveryToken;
    }
}
