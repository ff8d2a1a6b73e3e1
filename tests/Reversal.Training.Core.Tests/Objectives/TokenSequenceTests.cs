using Reversal.Training.Objectives;

namespace Reversal.Training.Core.Tests.Objectives;

public class TokenSequenceTests
{
    private static readonly SpecialTokenIds Special = SpecialTokenIds.Default;

    [Test]
    public void Entity_spans_are_stored_sorted_and_default_to_none()
    {
        var sequence = new TokenSequence([2, 10, 11, 12, 13, 14, 3], entitySpans: [new TokenSpan(4, 2), new TokenSpan(1, 2)]);

        Assert.That(sequence.EntitySpans, Is.EqualTo(new[] { new TokenSpan(1, 2), new TokenSpan(4, 2) }));
        Assert.That(new TokenSequence([2, 3]).EntitySpans, Is.Empty);
        Assert.That(new TokenSequence([2, 3], entitySpans: []).EntitySpans, Is.Empty);
    }

    [Test]
    public void Invalid_entity_spans_are_refused_with_the_spans_named()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TokenSequence([2, 10, 11, 3], entitySpans: [new TokenSpan(3, 2)]),
                Throws.ArgumentException.With.Message.Contains("[3, 5)").And.Message.Contains("beyond the sequence of 4"));
            Assert.That(() => new TokenSequence([2, 10, 11, 12, 3], entitySpans: [new TokenSpan(1, 2), new TokenSpan(2, 2)]),
                Throws.ArgumentException.With.Message.Contains("[1, 3)").And.Message.Contains("[2, 4)").And.Message.Contains("overlap"));
            Assert.That(() => new TokenSequence([2, 10, 3], entitySpans: [default]), Throws.ArgumentException.With.Message.Contains("empty"));
            Assert.That(() => new TokenSpan(-1, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new TokenSpan(0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Token_reversal_moves_entity_spans_with_their_tokens_and_is_an_involution()
    {
        // [BOS] Ann Lee is the chef [EOS], entities "Ann Lee" (1..2) and "the chef" (4..5).
        var sequence = new TokenSequence([2, 10, 11, 12, 13, 14, 3], promptLength: 3, entitySpans: [new TokenSpan(1, 2), new TokenSpan(4, 2)]);

        var reversed = sequence.Reversed(Special);

        Assert.That(reversed.Ids, Is.EqualTo(new[] { 2, 14, 13, 12, 11, 10, 3 }));
        Assert.That(reversed.EntitySpans, Is.EqualTo(new[] { new TokenSpan(1, 2), new TokenSpan(4, 2) }));
        Assert.That(reversed.Ids[1..3], Is.EqualTo(new[] { 14, 13 }), "the span covers the same tokens, now reversed");
        var twice = reversed.Reversed(Special);
        Assert.That(twice.Ids, Is.EqualTo(sequence.Ids));
        Assert.That(twice.EntitySpans, Is.EqualTo(sequence.EntitySpans));
    }

    [Test]
    public void Reversal_refuses_a_span_that_covers_a_kept_marker_and_content()
    {
        var sequence = new TokenSequence([2, 10, 11, 3], entitySpans: [new TokenSpan(0, 2)]);
        Assert.That(() => sequence.Reversed(Special), Throws.ArgumentException.With.Message.Contains("[0, 2)").And.Message.Contains("BOS/EOS"));
    }

    [Test]
    public void Content_range_excludes_a_leading_BOS_and_a_trailing_EOS_only()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new TokenSequence([2, 10, 11, 3]).ContentRange(Special), Is.EqualTo((1, 3)));
            Assert.That(new TokenSequence([10, 11]).ContentRange(Special), Is.EqualTo((0, 2)));
            Assert.That(new TokenSequence([2]).ContentRange(Special), Is.EqualTo((1, 1)));
            Assert.That(new TokenSequence([3]).ContentRange(Special), Is.EqualTo((0, 0)));
        });
    }

    [Test]
    public void Word_boundaries_read_the_table_and_refuse_ids_outside_it()
    {
        var table = WordBoundaries.FromTable([true, false, true]);
        Assert.Multiple(() =>
        {
            Assert.That(table.StartsWord(1), Is.False);
            Assert.That(table.StartsWord(2), Is.True);
            Assert.That(table.VocabSize, Is.EqualTo(3));
            Assert.That(() => table.StartsWord(3), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("3 ids"));
            Assert.That(WordBoundaries.EveryToken.StartsWord(12345), Is.True);
            Assert.That(() => WordBoundaries.FromTable([]), Throws.ArgumentException.With.Message.Contains("empty"));
        });
    }
}
