using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// A reversal transform of reverse training (Golovneva et al., arXiv 2403.13799): turns a sequence into its reversed
/// copy, which a left-to-right model is then trained on like any other text. The content between a leading BOS and a
/// trailing EOS is cut into units (tokens, words, entities or random segments); the units are written in reverse
/// order, each keeping its inner order; the BOS/EOS markers stay in place.
/// </summary>
/// <remarks>Implementations: <see cref="TokenReversal"/>, <see cref="WordReversal"/>,
/// <see cref="EntityPreservingReversal"/>, <see cref="RandomSegmentReversal"/>.</remarks>
public interface ISequenceReversal
{
    /// <summary>Short name for logs and objective names (<c>token</c>, <c>word</c>, <c>entity</c>, <c>segment</c>).</summary>
    string Name { get; }

    /// <summary>The reversed copy of <paramref name="sequence"/> (the input is not changed).</summary>
    /// <param name="sequence">The example.</param>
    /// <param name="specialTokens">The tokenizer's special ids (BOS and EOS stay in place).</param>
    /// <param name="random">The objective's random stream (only randomised reversals draw from it).</param>
    /// <returns>A sequence with no prompt (all completion); see each implementation for its entity spans.</returns>
    /// <exception cref="ArgumentException">The sequence cannot be cut into this reversal's units (e.g. an entity span
    /// covers a BOS/EOS marker, or a token id is outside the word-boundary table).</exception>
    TokenSequence Reverse(TokenSequence sequence, SpecialTokenIds specialTokens, SeededRandom random);
}
