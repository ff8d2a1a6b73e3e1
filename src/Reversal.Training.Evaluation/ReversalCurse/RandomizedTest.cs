namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>The arithmetic of Berglund et al.'s randomized log-probability test.</summary>
internal static class RandomizedTest
{
    /// <summary>
    /// Compares interleaved scores <c>[true₀, random₀, true₁, random₁, …]</c>: the fraction of rows whose true score is
    /// strictly higher (ties and NaN count against it) and the mean of each side.
    /// </summary>
    /// <exception cref="ArgumentException">The scores are empty or odd in number.</exception>
    public static RandomizedComparison Compare(ReadOnlySpan<double> interleaved)
    {
        if (interleaved.IsEmpty || interleaved.Length % 2 != 0)
            throw new ArgumentException($"{interleaved.Length} scores do not form (true, random) pairs.", nameof(interleaved));
        int pairs = interleaved.Length / 2, wins = 0;
        double trueSum = 0, randomSum = 0;
        for (int r = 0; r < pairs; r++)
        {
            double truth = interleaved[2 * r], random = interleaved[2 * r + 1];
            if (truth > random) wins++;
            trueSum += truth;
            randomSum += random;
        }
        return new RandomizedComparison(pairs, (double)wins / pairs, trueSum / pairs, randomSum / pairs);
    }
}
