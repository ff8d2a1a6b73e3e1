using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// Word reversal: the units are words (<see cref="WordBoundaries"/>): "Daphne Barrington directed Time ." becomes
/// ". Time directed Barrington Daphne" while a BPE word such as <c>"▁Bar" "ring" "ton"</c> keeps its pieces in order.
/// </summary>
/// <remarks>An involution whenever the first content token begins a word (always with word-level tokenizers). Entity
/// spans move with their tokens only when each lies inside one word; otherwise the result has none (an entity of
/// several words is reversed like everything else: keep entities with <see cref="EntityPreservingReversal"/>). Draws
/// no randomness.</remarks>
public sealed class WordReversal : ISequenceReversal
{
    /// <summary>Creates the reversal.</summary>
    /// <param name="words">Which tokens begin a word; null: every token is a word (word-level tokenizers).</param>
    public WordReversal(WordBoundaries? words = null) => Words = words ?? WordBoundaries.EveryToken;

    /// <summary>Which tokens begin a word.</summary>
    public WordBoundaries Words { get; }

    /// <inheritdoc />
    public string Name => "word";

    /// <inheritdoc />
    public TokenSequence Reverse(TokenSequence sequence, SpecialTokenIds specialTokens, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var (start, end) = sequence.ContentRange(specialTokens);
        var starts = UnitReversal.WordStarts(sequence.Ids, start, end, Words);
        bool spansInsideWords = sequence.EntitySpans.All(span => span.Start >= start && span.End <= end
            && !starts.Any(s => s > span.Start && s < span.End));
        return UnitReversal.Reverse(sequence, start, end, starts, separator: null, keepEntitySpans: spansInsideWords);
    }
}
