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

    [Test]
    public void Recipes_name_their_members_and_weights()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Objective.MlmURecipe().Name, Is.EqualTo("mix(ntp:0.5,mlm-u:0.5)"));
            Assert.That(Objective.ReverseTrainingRecipe().Name, Is.EqualTo("mix(ntp:0.5,token-reversed-ntp:0.5)"));
            Assert.That(Objective.ReverseTrainingRecipe(new EntityPreservingReversal()).Name, Is.EqualTo("mix(ntp:0.5,entity-reversed-ntp:0.5)"));
        });
    }

    [Test]
    public void Adding_reverse_training_to_a_recipe_gives_every_member_an_equal_share_of_the_batches()
    {
        var mix = Objective.BicoRecipe().WithReverseTraining(new EntityPreservingReversal());
        Assert.That(mix.Members.Select(m => m.Objective.Name), Is.EqualTo(new[] { "ntp", "bico", "entity-reversed-ntp" }));
        Assert.That(mix.Members.Select(m => m.Probability), Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-12));

        var context = new ObjectiveContext(new SeededRandom(9), SpecialTokenIds.Default, 32);
        var counts = Enumerable.Range(0, 3000).Select(_ => mix.Prepare(Examples, context).ObjectiveName).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        // Binomial(3000, 1/3): sd ≈ 26; ±130 is 5 sigma.
        Assert.That(counts.Values, Has.All.InRange(870, 1130));

        var weighted = Objective.Mix((new NextTokenPrediction(), 3), (new Reversal.Training.Objectives.MlmU(), 1)).WithReverseTraining(TokenReversal.Instance);
        Assert.That(weighted.Members.Select(m => m.Probability), Is.EqualTo(new[] { 0.5, 1 / 6.0, 1 / 3.0 }).Within(1e-12), "members keep their relative weights");
        Assert.That(() => Objective.BicoRecipe().WithReverseTraining(null!), Throws.ArgumentNullException);
    }
}
