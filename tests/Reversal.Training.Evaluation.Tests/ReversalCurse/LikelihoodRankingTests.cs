using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Training.Evaluation.Tests.ReversalCurse;

public class LikelihoodRankingTests
{
    [TestCase(new[] { -1.0, -2.0, -3.0 }, 0, true)]
    [TestCase(new[] { -1.0, -2.0, -3.0 }, 1, false)]
    [TestCase(new[] { -1.0, -1.0, -3.0 }, 0, false)] // a tie is wrong
    [TestCase(new[] { -5.0 }, 0, true)]               // a single candidate always wins
    [TestCase(new[] { double.NaN, -2.0 }, 0, false)]
    [TestCase(new[] { -1.0, double.NaN }, 0, false)]
    public void The_true_candidate_must_be_strictly_best(double[] scores, int trueIndex, bool expected) =>
        Assert.That(LikelihoodRanking.IsStrictlyBest(scores, trueIndex), Is.EqualTo(expected));

    [Test]
    public void CountCorrect_reads_scores_row_major()
    {
        double[] scores =
        [
            -1, -2, -3, // row 0: truth 0 best
            -1, -2, -3, // row 1: truth 2 worst
            -4, -1, -1, // row 2: truth 1 tied
            -9, -8, -7, // row 3: truth 2 best
        ];
        Assert.That(LikelihoodRanking.CountCorrect(scores, 3, [0, 2, 1, 2]), Is.EqualTo(2));
        Assert.Throws<ArgumentException>(() => LikelihoodRanking.CountCorrect(scores, 4, [0, 2, 1, 2]));
    }
}
