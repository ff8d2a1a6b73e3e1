using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// GLM's span corruption: span lengths from Poisson(λ) clamped to <c>[1, maxSpan]</c> are drawn until their sum
/// covers <c>ratio</c> of the maskable tokens, then placed at random without overlap and with at least one unmasked
/// token between consecutive spans.
/// </summary>
internal static class SpanSampler
{
    /// <summary>
    /// Spans <c>(start, length)</c> in ascending order inside <c>[first, first + count)</c>. At least one span when
    /// <paramref name="count"/> ≥ 1; the target is <c>max(1, round(ratio · count))</c> tokens.
    /// </summary>
    public static List<(int Start, int Length)> Sample(int first, int count, double ratio, double lambda, int maxSpan, SeededRandom random)
    {
        var spans = new List<(int Start, int Length)>();
        if (count < 1) return spans;
        int target = Math.Max(1, (int)Math.Round(ratio * count));
        var lengths = new List<int>();
        int covered = 0;
        while (covered < target)
        {
            int length = Math.Clamp(random.NextPoisson(lambda), 1, maxSpan);
            // Room left once every span so far keeps a one-token gap to the next.
            int room = count - covered - lengths.Count;
            if (room < 1) break;
            length = Math.Min(length, room);
            lengths.Add(length);
            covered += length;
        }
        // Free tokens beyond the mandatory gaps, split into k + 1 gaps by stars and bars.
        int k = lengths.Count;
        int free = count - covered - (k - 1);
        var cuts = new int[k];
        for (int i = 0; i < k; i++) cuts[i] = random.NextInt(free + 1);
        Array.Sort(cuts);
        int position = first, previousCut = 0;
        for (int i = 0; i < k; i++)
        {
            int gap = cuts[i] - previousCut + (i > 0 ? 1 : 0);
            previousCut = cuts[i];
            position += gap;
            spans.Add((position, lengths[i]));
            position += lengths[i];
        }
        return spans;
    }
}
