namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>Rank@1 decisions from candidate log-likelihoods.</summary>
internal static class LikelihoodRanking
{
    /// <summary>True when <c>scores[trueIndex]</c> is strictly greater than every other score (ties and NaN count
    /// as wrong).</summary>
    public static bool IsStrictlyBest(ReadOnlySpan<double> scores, int trueIndex)
    {
        double truth = scores[trueIndex];
        for (int k = 0; k < scores.Length; k++)
            if (k != trueIndex && !(truth > scores[k])) return false;
        return !double.IsNaN(truth);
    }

    /// <summary>Counts the rows whose true candidate is strictly best; <paramref name="scores"/> is row-major
    /// <c>[rows, candidates]</c>.</summary>
    public static int CountCorrect(double[] scores, int candidates, IReadOnlyList<int> trueIndices)
    {
        if (scores.Length != trueIndices.Count * candidates)
            throw new ArgumentException($"{scores.Length} scores do not form [{trueIndices.Count}, {candidates}].", nameof(scores));
        int correct = 0;
        for (int r = 0; r < trueIndices.Count; r++)
            if (IsStrictlyBest(scores.AsSpan(r * candidates, candidates), trueIndices[r])) correct++;
        return correct;
    }
}
