using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// Random-segment reversal: the content is cut into segments of whole words whose lengths are drawn uniformly from
/// <c>1..MaxWords</c> (the last segment takes what is left); the segments are written in reverse order, each keeping
/// its word order, separated by <see cref="SeparatorId"/> (the paper's <c>[REV]</c>) when one is given. No entity
/// detection is needed: long enough segments keep most entities intact by chance.
/// </summary>
/// <remarks>Draws one integer per segment from the random stream. The result carries no entity spans (a segment
/// boundary may cut an entity).</remarks>
public sealed class RandomSegmentReversal : ISequenceReversal
{
    /// <summary>The separator's token text in the paper, <c>[REV]</c>: add it to a tokenizer's special tokens to use it.</summary>
    public const string SeparatorTokenText = "[REV]";

    /// <summary>Creates the reversal.</summary>
    /// <param name="maxWords">Longest segment in words (at least 1; 1 gives word reversal plus separators).</param>
    /// <param name="separatorId">Token written between consecutive segments (e.g. a <c>[REV]</c> special token), or null for none.</param>
    /// <param name="words">Which tokens begin a word; null: every token is a word.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxWords"/> is below 1 or <paramref name="separatorId"/> is negative.</exception>
    public RandomSegmentReversal(int maxWords, int? separatorId = null, WordBoundaries? words = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        if (separatorId < 0) throw new ArgumentOutOfRangeException(nameof(separatorId), separatorId, "The separator id must be non-negative.");
        MaxWords = maxWords;
        SeparatorId = separatorId;
        Words = words ?? WordBoundaries.EveryToken;
    }

    /// <summary>Longest segment in words.</summary>
    public int MaxWords { get; }

    /// <summary>The id written between segments, or null.</summary>
    public int? SeparatorId { get; }

    /// <summary>Which tokens begin a word.</summary>
    public WordBoundaries Words { get; }

    /// <inheritdoc />
    public string Name => "segment";

    /// <inheritdoc />
    public TokenSequence Reverse(TokenSequence sequence, SpecialTokenIds specialTokens, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(random);
        var (start, end) = sequence.ContentRange(specialTokens);
        var words = UnitReversal.WordStarts(sequence.Ids, start, end, Words);
        var segments = new List<int>();
        for (int w = 0; w < words.Count; w += 1 + random.NextInt(MaxWords)) segments.Add(words[w]);
        return UnitReversal.Reverse(sequence, start, end, segments, SeparatorId, keepEntitySpans: false);
    }
}
