using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// One example rearranged for blank infilling: Part A (the text with every span replaced by one <c>[MASK]</c>)
/// followed by Part B (the spans in shuffled order, each as <c>[sop] span</c> with targets <c>span [eop]</c>).
/// </summary>
/// <remarks>
/// Position ids: Part A token i has position i. The j-th token of a Part B span (j = 0 for <c>[sop]</c>) has position
/// <c>m + j</c>, where m is the position of that span's <c>[MASK]</c> in Part A. This keeps GLM's first position id
/// (the mask's) for <c>[sop]</c> and carries GLM's second, intra-span position in the rotary position itself, so the
/// single-id RoPE decoder still sees the span's token order; the causal mask inside Part B gives the same order.
/// </remarks>
internal sealed class BlankInfillingLayout
{
    private BlankInfillingLayout(int[] inputs, int[] targets, int[] positions, int prefixLength, List<(int Start, int Length)> spans)
    {
        Inputs = inputs; Targets = targets; Positions = positions; PrefixLength = prefixLength; Spans = spans;
    }

    public int[] Inputs { get; }
    public int[] Targets { get; }
    public int[] Positions { get; }

    /// <summary>Length of Part A.</summary>
    public int PrefixLength { get; }

    /// <summary>The masked spans of the original sequence, ascending.</summary>
    public List<(int Start, int Length)> Spans { get; }

    public int Length => Inputs.Length;

    /// <summary>Builds the layout; structural tokens (padding, BOS, EOS) are never masked.</summary>
    public static BlankInfillingLayout Build(int[] ids, BlankInfillingTokens tokens, Func<int, bool> isStructural,
        double ratio, double lambda, int maxSpan, SeededRandom random)
    {
        int first = 0, end = ids.Length;
        while (first < end && isStructural(ids[first])) first++;
        while (end > first && isStructural(ids[end - 1])) end--;
        var spans = SpanSampler.Sample(first, end - first, ratio, lambda, maxSpan, random);

        var partA = new List<int>(ids.Length);
        var maskPositions = new int[spans.Count];
        int next = 0;
        for (int s = 0; s < spans.Count; s++)
        {
            for (; next < spans[s].Start; next++) partA.Add(ids[next]);
            maskPositions[s] = partA.Count;
            partA.Add(tokens.Mask);
            next = spans[s].Start + spans[s].Length;
        }
        for (; next < ids.Length; next++) partA.Add(ids[next]);

        var order = Enumerable.Range(0, spans.Count).ToArray();
        random.Shuffle(order.AsSpan());
        int total = partA.Count + spans.Sum(s => s.Length + 1);
        var inputs = new int[total];
        var targets = new int[total];
        var positions = new int[total];
        Array.Fill(targets, ObjectiveBatch.IgnoreIndex);
        for (int i = 0; i < partA.Count; i++) { inputs[i] = partA[i]; positions[i] = i; }
        int t = partA.Count;
        foreach (int s in order)
        {
            var (start, length) = spans[s];
            for (int j = 0; j <= length; j++, t++)
            {
                inputs[t] = j == 0 ? tokens.StartOfPiece : ids[start + j - 1];
                targets[t] = j < length ? ids[start + j] : tokens.EndOfPiece;
                positions[t] = maskPositions[s] + j;
            }
        }
        return new BlankInfillingLayout(inputs, targets, positions, partA.Count, spans);
    }
}
