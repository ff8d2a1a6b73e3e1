using Reversal.Training.Objectives;
using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives.Tests.Reverse;

public class SequenceReversalTests
{
    private static readonly SpecialTokenIds Special = SpecialTokenIds.Default;
    private static readonly SeededRandom NoRandom = new(0);

    // [BOS] Daphne Barrington is the director of Time . [EOS]
    //   2     10      11      12  13    14     15  16  17  3
    // entities: "Daphne Barrington" = [1, 3), "the director of Time" = [4, 8)
    private static TokenSequence Fact() =>
        new([2, 10, 11, 12, 13, 14, 15, 16, 17, 3], promptLength: 4, entitySpans: [new TokenSpan(1, 2), new TokenSpan(4, 4)]);

    /// <summary>A BPE-like table over ids 0..39: ids 20..29 continue a word (no word-start marker), all others begin one.</summary>
    private static WordBoundaries Pieces() => WordBoundaries.FromTable(Enumerable.Range(0, 40).Select(id => id is < 20 or >= 30).ToArray());

    [Test]
    public void Word_reversal_reverses_words_and_with_a_word_level_tokenizer_equals_token_reversal()
    {
        var reversed = new WordReversal().Reverse(Fact(), Special, NoRandom);

        Assert.That(reversed.Ids, Is.EqualTo(new[] { 2, 17, 16, 15, 14, 13, 12, 11, 10, 3 }));
        Assert.That(reversed.Ids, Is.EqualTo(TokenReversal.Instance.Reverse(Fact(), Special, NoRandom).Ids));
        Assert.That(reversed.PromptLength, Is.Zero, "a reversed example is all completion");
        Assert.That(reversed.EntitySpans, Is.Empty, "multi-word entities are cut by word reversal, so no spans survive");
    }

    [Test]
    public void Word_reversal_keeps_the_pieces_of_a_word_in_order_and_is_an_involution()
    {
        // [BOS] w10 (w11 p20 p21) w12 (w13 p22) [EOS]: four words, two of them of several pieces.
        var sequence = new TokenSequence([2, 10, 11, 20, 21, 12, 13, 22, 3]);
        var reversal = new WordReversal(Pieces());

        var reversed = reversal.Reverse(sequence, Special, NoRandom);

        Assert.That(reversed.Ids, Is.EqualTo(new[] { 2, 13, 22, 12, 11, 20, 21, 10, 3 }));
        Assert.That(reversal.Reverse(reversed, Special, NoRandom).Ids, Is.EqualTo(sequence.Ids));
        Assert.That(TokenReversal.Instance.Reverse(sequence, Special, NoRandom).Ids, Is.EqualTo(new[] { 2, 22, 13, 12, 21, 20, 11, 10, 3 }),
            "token reversal, unlike word reversal, also reverses the pieces");
    }

    [Test]
    public void Entity_preserving_reversal_keeps_each_entity_in_order_and_reverses_everything_else()
    {
        var reversed = new EntityPreservingReversal().Reverse(Fact(), Special, NoRandom);

        // . | the director of Time | is | Daphne Barrington
        Assert.That(reversed.Ids, Is.EqualTo(new[] { 2, 17, 13, 14, 15, 16, 12, 10, 11, 3 }));
        Assert.That(reversed.EntitySpans, Is.EqualTo(new[] { new TokenSpan(2, 4), new TokenSpan(7, 2) }));
        Assert.That(reversed.Ids[2..6], Is.EqualTo(new[] { 13, 14, 15, 16 }), "the description reads left to right");
        Assert.That(reversed.Ids[7..9], Is.EqualTo(new[] { 10, 11 }), "the name reads left to right");
    }

    [Test]
    public void Entity_preserving_reversal_is_an_involution_on_random_sequences_with_random_spans()
    {
        var random = new SeededRandom(7);
        var reversal = new EntityPreservingReversal();
        for (int trial = 0; trial < 500; trial++)
        {
            var sequence = RandomSequence(random, withMarkers: trial % 3 != 0);
            var once = reversal.Reverse(sequence, Special, NoRandom);
            var twice = reversal.Reverse(once, Special, NoRandom);

            Assert.That(twice.Ids, Is.EqualTo(sequence.Ids), $"trial {trial}");
            Assert.That(twice.EntitySpans, Is.EqualTo(sequence.EntitySpans), $"trial {trial}");
            Assert.That(once.Ids.Order(), Is.EqualTo(sequence.Ids.Order()), "the same tokens");
            for (int e = 0; e < sequence.EntitySpans.Count; e++)
            {
                var before = sequence.EntitySpans[e];
                var after = once.EntitySpans[sequence.EntitySpans.Count - 1 - e];
                Assert.That(once.Ids[after.Start..after.End], Is.EqualTo(sequence.Ids[before.Start..before.End]), $"trial {trial}: entity {e} keeps its inner order");
            }
        }
    }

    [Test]
    public void Without_entity_spans_entity_preserving_reversal_is_word_reversal()
    {
        var sequence = new TokenSequence([2, 10, 11, 20, 21, 12, 13, 22, 3]);
        Assert.That(new EntityPreservingReversal(Pieces()).Reverse(sequence, Special, NoRandom).Ids,
            Is.EqualTo(new WordReversal(Pieces()).Reverse(sequence, Special, NoRandom).Ids));
    }

    [Test]
    public void Sequences_without_content_come_back_unchanged_from_every_reversal()
    {
        ISequenceReversal[] reversals = [TokenReversal.Instance, new WordReversal(), new EntityPreservingReversal(), new RandomSegmentReversal(3, separatorId: 39)];
        foreach (var reversal in reversals)
        {
            Assert.That(reversal.Reverse(new TokenSequence([2, 3]), Special, new SeededRandom(1)).Ids, Is.EqualTo(new[] { 2, 3 }), reversal.Name);
            Assert.That(reversal.Reverse(new TokenSequence([2]), Special, new SeededRandom(1)).Ids, Is.EqualTo(new[] { 2 }), reversal.Name);
            Assert.That(reversal.Reverse(new TokenSequence([2, 12, 3]), Special, new SeededRandom(1)).Ids, Is.EqualTo(new[] { 2, 12, 3 }), reversal.Name);
        }
    }

    [Test]
    public void Entity_preserving_reversal_keeps_a_piece_after_an_entity_apart_from_the_entity()
    {
        // [BOS] w10 (entity: w11 w12) p20 w13 [EOS]: p20 continues no word inside the entity, so it is a unit of its own.
        var sequence = new TokenSequence([2, 10, 11, 12, 20, 13, 3], entitySpans: [new TokenSpan(2, 2)]);
        var reversed = new EntityPreservingReversal(Pieces()).Reverse(sequence, Special, NoRandom);
        Assert.That(reversed.Ids, Is.EqualTo(new[] { 2, 13, 20, 11, 12, 10, 3 }));
    }

    [Test]
    public void Entity_preserving_reversal_refuses_a_span_over_a_marker()
    {
        var sequence = new TokenSequence([2, 10, 11, 3], entitySpans: [new TokenSpan(2, 2)]);
        Assert.That(() => new EntityPreservingReversal().Reverse(sequence, Special, NoRandom),
            Throws.ArgumentException.With.Message.Contains("[2, 4)").And.Message.Contains("BOS/EOS"));
    }

    [Test]
    public void Random_segments_keep_their_inner_order_are_at_most_k_words_and_are_separated()
    {
        const int separator = 39, k = 3;
        var reversal = new RandomSegmentReversal(k, separator, Pieces());
        var random = new SeededRandom(11);
        var lengths = new List<int>();
        for (int trial = 0; trial < 300; trial++)
        {
            var sequence = RandomSequence(random, withMarkers: true);
            var reversed = reversal.Reverse(sequence, Special, random);

            Assert.That(reversed.Ids[0], Is.EqualTo(Special.Bos));
            Assert.That(reversed.Ids[^1], Is.EqualTo(Special.Eos));
            var segments = Split(reversed.Ids[1..^1], separator);
            Assert.That(segments.SelectMany(s => s).Order(), Is.EqualTo(sequence.Ids[1..^1].Order()), $"trial {trial}: the same tokens");
            // Reading the segments back in reverse order restores the content: each segment kept its inner order.
            Assert.That(Enumerable.Reverse(segments).SelectMany(s => s), Is.EqualTo(sequence.Ids[1..^1]), $"trial {trial}");
            foreach (var segment in segments)
            {
                int words = segment.Count(id => Pieces().StartsWord(id));
                Assert.That(words, Is.InRange(1, k), $"trial {trial}: words per segment");
                Assert.That(Pieces().StartsWord(segment[0]), Is.True, "segments start at word starts");
                lengths.Add(words);
            }
            Assert.That(reversed.EntitySpans, Is.Empty);
        }
        Assert.That(lengths.Distinct().Order(), Is.EqualTo(new[] { 1, 2, 3 }), "every segment length occurs");
    }

    [Test]
    public void Random_segments_are_reproducible_by_seed_and_one_word_segments_without_separator_are_word_reversal()
    {
        var sequence = RandomSequence(new SeededRandom(3), withMarkers: true);
        var reversal = new RandomSegmentReversal(4, separatorId: 39, Pieces());
        Assert.That(reversal.Reverse(sequence, Special, new SeededRandom(5)).Ids, Is.EqualTo(reversal.Reverse(sequence, Special, new SeededRandom(5)).Ids));
        Assert.That(new RandomSegmentReversal(1, words: Pieces()).Reverse(sequence, Special, new SeededRandom(5)).Ids,
            Is.EqualTo(new WordReversal(Pieces()).Reverse(sequence, Special, NoRandom).Ids));
        Assert.Multiple(() =>
        {
            Assert.That(() => new RandomSegmentReversal(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new RandomSegmentReversal(2, separatorId: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Reversed_objective_names_its_reversal_and_names_the_example_it_cannot_reverse()
    {
        var context = new ObjectiveContext(new SeededRandom(1), Special, 32);
        var objective = new ReversedObjective(new NextTokenPrediction(), new EntityPreservingReversal());

        var batch = objective.Prepare([Fact()], context);
        var expected = new NextTokenPrediction().Prepare([new EntityPreservingReversal().Reverse(Fact(), Special, NoRandom)], context);

        Assert.That(batch.ObjectiveName, Is.EqualTo("entity-reversed-ntp"));
        Assert.That(batch.InputIds, Is.EqualTo(expected.InputIds));
        Assert.That(batch.Targets, Is.EqualTo(expected.Targets));
        Assert.That(new ReversedObjective(new NextTokenPrediction()).Name, Is.EqualTo("token-reversed-ntp"));
        var bad = new TokenSequence([2, 10, 11, 3], entitySpans: [new TokenSpan(0, 2)]);
        Assert.That(() => objective.Prepare([Fact(), bad], context), Throws.ArgumentException.With.Message.StartsWith("Example 1 cannot be entity-reversed"));
    }

    /// <summary>[BOS]? w (p)* ... [EOS]? with word starts from 10..19 and pieces from 20..29, plus random disjoint entity spans over whole words.</summary>
    private static TokenSequence RandomSequence(SeededRandom random, bool withMarkers)
    {
        var ids = new List<int>();
        var wordStarts = new List<int>();
        if (withMarkers) ids.Add(Special.Bos);
        int words = 1 + random.NextInt(12);
        for (int w = 0; w < words; w++)
        {
            wordStarts.Add(ids.Count);
            ids.Add(10 + random.NextInt(10));
            for (int p = random.NextInt(3); p > 0; p--) ids.Add(20 + random.NextInt(10));
        }
        int contentEnd = ids.Count;
        if (withMarkers) ids.Add(Special.Eos);
        var spans = new List<TokenSpan>();
        for (int w = 0; w < words;)
        {
            int take = 1 + random.NextInt(3);
            if (random.NextInt(3) == 0 && w + take <= words)
            {
                int start = wordStarts[w], end = w + take < words ? wordStarts[w + take] : contentEnd;
                spans.Add(new TokenSpan(start, end - start));
                w += take;
            }
            else w++;
        }
        return new TokenSequence([.. ids], entitySpans: spans);
    }

    private static List<int[]> Split(int[] ids, int separator)
    {
        var segments = new List<int[]>();
        var current = new List<int>();
        foreach (int id in ids)
        {
            if (id == separator) { segments.Add([.. current]); current.Clear(); }
            else current.Add(id);
        }
        segments.Add([.. current]);
        return segments;
    }
}
