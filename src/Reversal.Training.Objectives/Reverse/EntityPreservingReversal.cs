using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// Entity-preserving reversal: word reversal in which every entity span (<see cref="TokenSequence.EntitySpans"/>) is one
/// unit, so entities keep their inner order. "Daphne Barrington is the director of Time ." with entities
/// <c>Daphne Barrington</c> and <c>the director of Time</c> becomes ". the director of Time is Daphne Barrington": the
/// reversed copy states the fact description-first with both entities readable left to right.
/// </summary>
/// <remarks>
/// <para>The paper finds entities with an entity detector; here they come from the data (the encoders carry the spans
/// of the names and descriptions the data set knows, see <c>PromptCompletionEncoder</c>) or from the host. A sequence
/// without spans is reversed word by word.</para>
/// <para>The result carries the entity spans where their tokens land. With a word-level tokenizer reversing twice
/// gives the original ids and spans (with BPE also whenever every unit begins with a word-start token). Draws no
/// randomness.</para>
/// </remarks>
public sealed class EntityPreservingReversal : ISequenceReversal
{
    /// <summary>Creates the reversal.</summary>
    /// <param name="words">Which tokens begin a word (for the text outside entities); null: every token is a word.</param>
    public EntityPreservingReversal(WordBoundaries? words = null) => Words = words ?? WordBoundaries.EveryToken;

    /// <summary>Which tokens begin a word.</summary>
    public WordBoundaries Words { get; }

    /// <inheritdoc />
    public string Name => "entity";

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An entity span covers the kept BOS or EOS marker.</exception>
    public TokenSequence Reverse(TokenSequence sequence, SpecialTokenIds specialTokens, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var (start, end) = sequence.ContentRange(specialTokens);
        UnitReversal.CheckSpansInside(sequence, start, end);
        var ids = sequence.Ids;
        var starts = new List<int>(end - start);
        int entity = 0;
        var spans = sequence.EntitySpans;
        for (int t = start; t < end;)
        {
            if (entity < spans.Count && spans[entity].Start == t)
            {
                starts.Add(t);
                t = spans[entity++].End;
                continue;
            }
            if (t == start || Words.StartsWord(ids[t]) || (t > start && entity > 0 && spans[entity - 1].End == t)) starts.Add(t);
            t++;
        }
        return UnitReversal.Reverse(sequence, start, end, starts, separator: null, keepEntitySpans: true);
    }
}
