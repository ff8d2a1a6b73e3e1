using Reversal.Training.Data.Examples;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Objectives;

namespace Reversal.Samples.ReversalCurse;

/// <summary>What the catalogue needs from the tokenizer to build an objective and its decoders.</summary>
/// <param name="InfillTokens">GLM's [MASK], [sop], [eop] ids.</param>
/// <param name="Special">Padding, unknown, BOS and EOS ids.</param>
/// <param name="Words">Which tokens begin a word (word, entity and segment reversal).</param>
/// <param name="SegmentSeparator">The [REV] id written between reversed random segments (null when the tokenizer has none).</param>
public sealed record CatalogContext(BlankInfillingTokens InfillTokens, SpecialTokenIds Special, WordBoundaries Words, int? SegmentSeparator)
{
    /// <summary>The context of a tokenizer that holds <see cref="ObjectiveCatalog.SpecialTokenTexts"/>.</summary>
    public static CatalogContext For(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new(BlankInfillingTokens.From(tokenizer.TokenToId), tokenizer.SpecialTokens, TokenizerWordBoundaries.For(tokenizer),
            tokenizer.TokenToId(RandomSegmentReversal.SeparatorTokenText));
    }
}
