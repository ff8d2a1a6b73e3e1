using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Objectives.Tests.Mixing;

public class ObjectiveMixTests
{
    private static readonly TokenSequence[] Examples = [new TokenSequence([2, 5, 6, 7, 8, 9, 3])];

    [Test]
    public void Bico_recipe_flips_a_fair_coin_per_batch_reproducibly()
    {
        var mix = Objective.BicoRecipe();
        var context = new ObjectiveContext(new SeededRandom(1), SpecialTokenIds.Default, 32);
        var names = Enumerable.Range(0, 2000).Select(_ => mix.Prepare(Examples, context).ObjectiveName).ToList();
        var again = new ObjectiveContext(new SeededRandom(1), SpecialTokenIds.Default, 32);
        var replay = Enumerable.Range(0, 2000).Select(_ => mix.Prepare(Examples, again).ObjectiveName).ToList();

        Assert.That(names.Distinct().Order(), Is.EqualTo(new[] { "bico", "ntp" }));
        // Binomial(2000, 0.5): sd ≈ 22; ±110 is 5 sigma.
        Assert.That(names.Count(n => n == "bico"), Is.EqualTo(1000).Within(110));
        Assert.That(replay, Is.EqualTo(names));
        Assert.That(mix.Name, Is.EqualTo("mix(ntp:0.5,bico:0.5)"));
    }

    [Test]
    public void Weights_are_normalised_and_zero_weight_members_are_never_chosen()
    {
        var mix = Objective.Mix((new NextTokenPrediction(), 3), (new Reversal.Training.Objectives.Bico(), 0));
        var context = new ObjectiveContext(new SeededRandom(2), SpecialTokenIds.Default, 32);
        Assert.That(Enumerable.Range(0, 200).Select(_ => mix.Prepare(Examples, context).ObjectiveName), Is.All.EqualTo("ntp"));
        Assert.That(mix.Members.Select(m => m.Probability), Is.EqualTo(new[] { 1.0, 0.0 }));
    }

    [Test]
    public void Refuses_invalid_mixes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Objective.Mix(), Throws.ArgumentException);
            Assert.That(() => Objective.Mix((new NextTokenPrediction(), -1)), Throws.ArgumentException.With.Message.Contains("ntp"));
            Assert.That(() => Objective.Mix((new NextTokenPrediction(), double.NaN)), Throws.ArgumentException);
            Assert.That(() => Objective.Mix((new NextTokenPrediction(), 0)), Throws.ArgumentException.With.Message.Contains("positive"));
        });
    }
}
