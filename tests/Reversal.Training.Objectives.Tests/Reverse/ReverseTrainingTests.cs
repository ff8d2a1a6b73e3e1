using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Objectives.Tests.Reverse;

public class ReverseTrainingTests
{
    private static readonly SpecialTokenIds Special = SpecialTokenIds.Default;

    [Test]
    public void Reversal_keeps_BOS_and_EOS_in_place_and_is_an_involution()
    {
        var sequence = new TokenSequence([2, 10, 11, 12, 13, 3], promptLength: 2);

        var reversed = sequence.Reversed(Special);

        Assert.That(reversed.Ids, Is.EqualTo(new[] { 2, 13, 12, 11, 10, 3 }));
        Assert.That(reversed.PromptLength, Is.EqualTo(0), "the prompt boundary does not survive reversal");
        Assert.That(reversed.Reversed(Special).Ids, Is.EqualTo(sequence.Ids));
        Assert.That(new TokenSequence([7, 8, 9]).Reversed(Special).Ids, Is.EqualTo(new[] { 9, 8, 7 }), "no markers: everything reverses");
        Assert.That(new TokenSequence([2]).Reversed(Special).Ids, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void Reversed_objective_prepares_the_inner_objective_on_reversed_examples()
    {
        var examples = new[] { new TokenSequence([2, 10, 11, 12, 3]), new TokenSequence([2, 20, 21, 3]) };
        var context = new ObjectiveContext(new SeededRandom(1), Special, 32);

        var batch = new ReversedObjective(new NextTokenPrediction()).Prepare(examples, context);
        var expected = new NextTokenPrediction().Prepare(examples.Select(e => e.Reversed(Special)).ToArray(), context);

        Assert.That(batch.InputIds, Is.EqualTo(expected.InputIds));
        Assert.That(batch.Targets, Is.EqualTo(expected.Targets));
        Assert.That(batch.KeyMask, Is.EqualTo(expected.KeyMask));
        Assert.That(batch.ObjectiveName, Is.EqualTo("token-reversed-ntp"));
    }

    [Test]
    public void Reverse_training_recipe_mixes_forward_and_reversed_batches()
    {
        var mix = Objective.ReverseTrainingRecipe();
        var context = new ObjectiveContext(new SeededRandom(3), Special, 32);
        var names = Enumerable.Range(0, 200).Select(_ => mix.Prepare([new TokenSequence([2, 5, 6, 3])], context).ObjectiveName).ToHashSet();
        Assert.That(names, Is.EquivalentTo(new[] { "ntp", "token-reversed-ntp" }));
    }
}
