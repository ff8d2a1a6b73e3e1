namespace Reversal.Training.Objectives;

/// <summary>
/// The shared mechanics of every <see cref="ISequenceReversal"/>: given the starts of the units that partition the
/// content range <c>[a, b)</c>, writes <c>ids[0, a)</c>, the units in reverse order (each in its own order, optionally
/// with a separator id between consecutive units), then <c>ids[b, n)</c>.
/// </summary>
internal static class UnitReversal
{
    /// <summary>Reverses the unit order.</summary>
    /// <param name="sequence">The example.</param>
    /// <param name="start">Content start a (after a kept BOS).</param>
    /// <param name="end">Content end b (before a kept EOS).</param>
    /// <param name="unitStarts">Ascending unit starts; the first is <paramref name="start"/> unless the content is empty.</param>
    /// <param name="separator">Id written between consecutive units, or null.</param>
    /// <param name="keepEntitySpans">Carry the entity spans to where their tokens land (only when every span lies inside
    /// one unit, so that it stays contiguous).</param>
    public static TokenSequence Reverse(TokenSequence sequence, int start, int end, IReadOnlyList<int> unitStarts, int? separator, bool keepEntitySpans)
    {
        var ids = sequence.Ids;
        int units = unitStarts.Count;
        int extra = separator is null || units == 0 ? 0 : units - 1;
        var result = new int[ids.Length + extra];
        Array.Copy(ids, 0, result, 0, start);
        // newStart[u]: where unit u (in input order) begins in the output.
        var newStart = new int[units];
        int write = start;
        for (int u = units - 1; u >= 0; u--)
        {
            int from = unitStarts[u], to = u + 1 < units ? unitStarts[u + 1] : end;
            newStart[u] = write;
            Array.Copy(ids, from, result, write, to - from);
            write += to - from;
            if (separator is int s && u > 0) result[write++] = s;
        }
        Array.Copy(ids, end, result, write, ids.Length - end);

        TokenSpan[]? spans = null;
        if (keepEntitySpans && sequence.EntitySpans.Count > 0)
        {
            spans = new TokenSpan[sequence.EntitySpans.Count];
            for (int i = 0; i < spans.Length; i++)
            {
                var span = sequence.EntitySpans[i];
                int unit = UnitOf(unitStarts, span.Start);
                spans[i] = new TokenSpan(newStart[unit] + span.Start - unitStarts[unit], span.Length);
            }
        }
        return new TokenSequence(result, 0, spans);
    }

    /// <summary>Checks that every entity span lies inside the content range.</summary>
    /// <exception cref="ArgumentException">A span covers a kept marker.</exception>
    public static void CheckSpansInside(TokenSequence sequence, int start, int end)
    {
        foreach (var span in sequence.EntitySpans)
            if (span.Start < start || span.End > end)
                throw new ArgumentException($"Entity span {span} of {sequence} covers a kept BOS/EOS marker; entity spans must lie inside [{start}, {end}).", nameof(sequence));
    }

    /// <summary>The starts of the words of <c>ids[start, end)</c>: <paramref name="start"/> and every later token that begins a word.</summary>
    public static List<int> WordStarts(int[] ids, int start, int end, WordBoundaries words)
    {
        var starts = new List<int>(end - start);
        for (int t = start; t < end; t++)
            if (t == start || words.StartsWord(ids[t])) starts.Add(t);
        return starts;
    }

    private static int UnitOf(IReadOnlyList<int> unitStarts, int position)
    {
        int lo = 0, hi = unitStarts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (unitStarts[mid] <= position) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
