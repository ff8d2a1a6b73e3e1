namespace Reversal.Training.Evaluation.Metrics;

/// <summary>
/// Sentence-level BLEU of one hypothesis against one reference (Papineni et al., 2002):
/// <c>BLEU = BP · exp(Σ_{n=1..N} (1/N) · log p_n)</c> with clipped n-gram precisions
/// <c>p_n = m_n / l_n</c> (<c>m_n</c> = Σ over the hypothesis's n-grams of min(count in hypothesis, count in reference),
/// <c>l_n</c> = the hypothesis's n-gram count, c − n + 1) and the standard brevity penalty
/// <c>BP = 1</c> when <c>c &gt; r</c>, else <c>exp(1 − r / c)</c> (c, r: hypothesis and reference lengths).
/// </summary>
/// <remarks>
/// Edge cases as in nltk's <c>sentence_bleu</c>: an empty hypothesis, or one with no unigram match, scores 0 whatever
/// the smoothing; a hypothesis shorter than N has <c>l_n = 0</c> for the higher orders, which then count as orders
/// without matches (0 unsmoothed). Orders with zero matches are handled by <see cref="BleuSmoothing"/>.
/// </remarks>
public static class SentenceBleu
{
    /// <summary>BLEU-N of <paramref name="hypothesis"/> against <paramref name="reference"/>, in [0, 1].</summary>
    /// <param name="hypothesis">The hypothesis units (words or characters).</param>
    /// <param name="reference">The reference units.</param>
    /// <param name="smoothing">What an order without matches contributes (default none).</param>
    /// <param name="maxOrder">N, the longest n-gram (default 4), with uniform weights 1/N.</param>
    /// <exception cref="ArgumentNullException">A sequence is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOrder"/> is below 1.</exception>
    public static double Score(IReadOnlyList<string> hypothesis, IReadOnlyList<string> reference,
        BleuSmoothing smoothing = BleuSmoothing.None, int maxOrder = 4)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOrder, 1);
        int c = hypothesis.Count, r = reference.Count;
        if (c == 0) return 0;
        double logSum = 0;
        int zeroOrders = 0;
        for (int n = 1; n <= maxOrder; n++)
        {
            var (matches, total) = ClippedMatches(hypothesis, reference, n);
            if (n == 1 && matches == 0) return 0;
            double precision;
            if (matches == 0)
            {
                switch (smoothing)
                {
                    case BleuSmoothing.None:
                        return 0;
                    case BleuSmoothing.AddOne:
                        precision = 1.0 / (total + 1);
                        break;
                    default:
                        zeroOrders++;
                        precision = 1.0 / (Math.Pow(2, zeroOrders) * Math.Max(1, total));
                        break;
                }
            }
            else
            {
                precision = smoothing == BleuSmoothing.AddOne && n > 1 ? (matches + 1.0) / (total + 1) : (double)matches / total;
            }
            logSum += Math.Log(precision) / maxOrder;
        }
        double brevity = c > r ? 1 : Math.Exp(1 - (double)r / c);
        return brevity * Math.Exp(logSum);
    }

    /// <summary>BLEU-N of two texts split into <paramref name="unit"/>s.</summary>
    /// <exception cref="ArgumentNullException">A text is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOrder"/> is below 1.</exception>
    public static double Score(string hypothesis, string reference, BleuUnit unit,
        BleuSmoothing smoothing = BleuSmoothing.None, int maxOrder = 4) =>
        Score(Split(hypothesis, unit), Split(reference, unit), smoothing, maxOrder);

    /// <summary>The units of <paramref name="text"/>: its characters, or its whitespace-separated words.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static IReadOnlyList<string> Split(string text, BleuUnit unit)
    {
        ArgumentNullException.ThrowIfNull(text);
        return unit == BleuUnit.Words
            ? text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : [.. System.Globalization.StringInfo.GetTextElementEnumerator(text).AsEnumerable()];
    }

    private static IEnumerable<string> AsEnumerable(this System.Globalization.TextElementEnumerator elements)
    {
        while (elements.MoveNext()) yield return elements.GetTextElement();
    }

    /// <summary>(m_n, l_n): clipped n-gram matches and the hypothesis's n-gram count.</summary>
    private static (int Matches, int Total) ClippedMatches(IReadOnlyList<string> hypothesis, IReadOnlyList<string> reference, int n)
    {
        int total = Math.Max(0, hypothesis.Count - n + 1);
        if (total == 0) return (0, 0);
        var referenceCounts = Count(reference, n);
        int matches = 0;
        foreach (var (gram, count) in Count(hypothesis, n))
            if (referenceCounts.TryGetValue(gram, out int available)) matches += Math.Min(count, available);
        return (matches, total);
    }

    private static Dictionary<string, int> Count(IReadOnlyList<string> units, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= units.Count; i++)
        {
            // The n-gram key: its units joined by U+0001 (a control character that text units do not contain).
            string gram = string.Join('\u0001', Enumerable.Range(i, n).Select(k => units[k]));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }
}
