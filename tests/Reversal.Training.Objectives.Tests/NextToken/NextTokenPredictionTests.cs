using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Objectives.Tests.NextToken;

public class NextTokenPredictionTests
{
    private static readonly ObjectiveContext Context = new(new SeededRandom(1), SpecialTokenIds.Default, MaxSequenceLength: 16);
    private const int Ignore = -100;

    [Test]
    public void Shifts_inputs_and_targets_and_pads_to_the_longest_example()
    {
        var batch = new NextTokenPrediction().Prepare([new TokenSequence([2, 10, 11, 12, 3]), new TokenSequence([2, 20, 3])], Context);

        Assert.Multiple(() =>
        {
            Assert.That(batch.BatchSize, Is.EqualTo(2));
            Assert.That(batch.SequenceLength, Is.EqualTo(4));
            Assert.That(batch.InputIds, Is.EqualTo(new[] { 2, 10, 11, 12, /* row 2 */ 2, 20, 0, 0 }));
            Assert.That(batch.Targets, Is.EqualTo(new[] { 10, 11, 12, 3, /* row 2 */ 20, 3, Ignore, Ignore }));
            Assert.That(batch.KeyMask, Is.EqualTo(new[] { true, true, true, true, true, true, false, false }));
            Assert.That(batch.PositionIds, Is.EqualTo(new[] { 0, 1, 2, 3, 0, 1, 2, 3 }));
            Assert.That(batch.Attention, Is.SameAs(AttentionMaskPolicy.Causal));
            Assert.That(batch.CountedTargets, Is.EqualTo(6));
        });
    }

    [Test]
    public void Completion_only_never_targets_prompt_tokens()
    {
        // prompt = [2, 10, 11], completion = [12, 13, 3]
        var batch = new NextTokenPrediction(completionOnly: true).Prepare([new TokenSequence([2, 10, 11, 12, 13, 3], promptLength: 3)], Context);

        Assert.That(batch.Targets, Is.EqualTo(new[] { Ignore, Ignore, 12, 13, 3 }));
    }

    [Test]
    public void Whole_sequence_mode_targets_every_next_token_including_the_prompt()
    {
        var batch = new NextTokenPrediction().Prepare([new TokenSequence([2, 10, 11, 12], promptLength: 3)], Context);

        Assert.That(batch.Targets, Is.EqualTo(new[] { 10, 11, 12 }));
    }

    [Test]
    public void Refuses_empty_batches_single_token_examples_and_over_long_sequences()
    {
        var ntp = new NextTokenPrediction();
        Assert.Multiple(() =>
        {
            Assert.That(() => ntp.Prepare([], Context), Throws.ArgumentException.With.Message.Contains("at least one example"));
            Assert.That(() => ntp.Prepare([new TokenSequence([5])], Context), Throws.ArgumentException.With.Message.Contains("Example 0 has 1 token"));
            var tooLong = new TokenSequence(Enumerable.Range(4, 18).ToArray());
            var ex = Assert.Throws<SequenceTooLongException>(() => ntp.Prepare([new TokenSequence([2, 3]), tooLong], Context));
            Assert.That(ex!.ExampleIndex, Is.EqualTo(1));
            Assert.That(ex.Message, Does.Contain("Example 1 needs 17 positions").And.Contain("context is 16"));
        });
    }

    [Test]
    public void Token_sequences_validate_their_inputs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TokenSequence([]), Throws.ArgumentException);
            Assert.That(() => new TokenSequence([1, -4]), Throws.ArgumentException.With.Message.Contains("-4 at position 1"));
            Assert.That(() => new TokenSequence([1, 2], promptLength: 3), Throws.ArgumentException.With.Message.Contains("Prompt length 3"));
        });
    }
}
