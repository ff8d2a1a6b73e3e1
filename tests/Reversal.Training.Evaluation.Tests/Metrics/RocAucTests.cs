using Reversal.Training.Evaluation.Metrics;

namespace Reversal.Training.Evaluation.Tests.Metrics;

public class RocAucTests
{
    [Test]
    public void Perfect_reversed_and_chance_orderings()
    {
        Assert.That(RocAuc.Compute([0.9, 0.8, 0.1, 0.2], [true, true, false, false]), Is.EqualTo(1.0));
        Assert.That(RocAuc.Compute([0.1, 0.2, 0.9, 0.8], [true, true, false, false]), Is.EqualTo(0.0));
        Assert.That(RocAuc.Compute([0.5, 0.5, 0.5, 0.5], [true, false, true, false]), Is.EqualTo(0.5));
    }

    [Test]
    public void Equals_the_pair_count_by_hand_with_ties_counting_half()
    {
        // positives 3, 1, 2; negatives 2, 0: pairs (p > n) = (3>2, 3>0, 1>0, 2>0) = 4, ties (2 = 2) = 1: (4 + 0.5) / 6.
        Assert.That(RocAuc.Compute([3, 1, 2, 2, 0], [true, true, true, false, false]), Is.EqualTo(4.5 / 6).Within(1e-12));
    }

    [Test]
    public void Matches_a_brute_force_pair_count_on_random_scores()
    {
        var random = new Random(3);
        double[] scores = [.. Enumerable.Range(0, 200).Select(_ => Math.Round(random.NextDouble() * 20) / 4)];
        bool[] labels = [.. Enumerable.Range(0, 200).Select(_ => random.Next(3) == 0)];
        double pairs = 0, wins = 0;
        for (int p = 0; p < scores.Length; p++)
            for (int n = 0; n < scores.Length; n++)
                if (labels[p] && !labels[n])
                {
                    pairs++;
                    wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0;
                }
        Assert.That(RocAuc.Compute(scores, labels), Is.EqualTo(wins / pairs).Within(1e-12));
    }

    [Test]
    public void Refuses_one_class_mismatched_lengths_and_nan()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => RocAuc.Compute([1, 2], [true, true]), Throws.ArgumentException.With.Message.Contains("positives and negatives"));
            Assert.That(() => RocAuc.Compute([1, 2], [true]), Throws.ArgumentException);
            Assert.That(() => RocAuc.Compute([double.NaN, 2], [true, false]), Throws.ArgumentException.With.Message.Contains("NaN"));
        });
    }
}
