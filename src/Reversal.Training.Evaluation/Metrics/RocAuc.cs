namespace Reversal.Training.Evaluation.Metrics;

/// <summary>
/// Area under the ROC curve of a score that should rank positives above negatives: the probability that a random
/// positive scores higher than a random negative, ties counting one half (the Mann–Whitney U statistic over
/// positives × negatives). 1 separates perfectly, 0.5 is chance, 0 ranks every negative first.
/// </summary>
public static class RocAuc
{
    /// <summary><c>AUC = (Σ_{p,n} [s_p &gt; s_n] + ½ [s_p = s_n]) / (P · N)</c>, computed from mid-ranks in O(n log n).</summary>
    /// <param name="scores">One score per item.</param>
    /// <param name="positive">Whether each item is a positive.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, a score is NaN, or there is no positive or no negative.</exception>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count) throw new ArgumentException($"{scores.Count} scores for {positive.Count} labels.", nameof(positive));
        for (int i = 0; i < scores.Count; i++)
            if (double.IsNaN(scores[i])) throw new ArgumentException($"Score {i} is NaN.", nameof(scores));
        long positives = positive.Count(p => p), negatives = positive.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"ROC AUC needs positives and negatives; got {positives} and {negatives}.", nameof(positive));

        int[] order = [.. Enumerable.Range(0, scores.Count).OrderBy(i => scores[i])];
        double positiveRankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double midRank = (start + end) / 2.0 + 1; // 1-based mid-rank of the tied group
            for (int k = start; k <= end; k++)
                if (positive[order[k]]) positiveRankSum += midRank;
            start = end + 1;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }
}
