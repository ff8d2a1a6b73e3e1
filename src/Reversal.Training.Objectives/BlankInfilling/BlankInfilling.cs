using Reversal.Training.Attention;
using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>
/// GLM's autoregressive blank infilling (ABI; Du et al., arXiv 2103.10360) adapted to a RoPE decoder.
/// </summary>
/// <remarks>
/// <para>Spans with Poisson(3) lengths (clamped to 1..40) are placed without overlap and with a one-token gap until
/// 15% of the maskable tokens (all but padding, BOS and EOS) are covered. Part A is the text with each span replaced by
/// one <c>[MASK]</c>; Part B holds the spans in shuffled order, each as input <c>[sop] span</c> with targets
/// <c>span [eop]</c>. The loss is taken on Part B only.</para>
/// <para>Attention is <see cref="AttentionMaskPolicy.PrefixBidirectional"/> with the prefix = Part A: Part A attends
/// bidirectionally within itself and never to Part B; each Part B token attends to all of Part A and causally to the
/// Part B tokens before it. Position ids and the RoPE rule are documented on <see cref="BlankInfillingLayout"/> and
/// <see cref="AttentionMaskPolicy"/>: keys whose position id is after the query's use the sine-negated rotation.</para>
/// <para>Every example grows by one token per span (a <c>[MASK]</c> in A plus <c>[sop]</c>/<c>[eop]</c> in B, minus
/// nothing): length = L + 2·spans. Mix it with next-token prediction (<see cref="Objective.AbiRecipe"/>).</para>
/// </remarks>
public sealed class BlankInfilling : ITrainingObjective
{
    /// <summary>Creates the objective.</summary>
    /// <param name="tokens">The <c>[MASK]</c>, <c>[sop]</c> and <c>[eop]</c> ids.</param>
    /// <param name="maskRatio">Fraction of maskable tokens to cover (default 0.15).</param>
    /// <param name="poissonLambda">Mean span length λ (default 3).</param>
    /// <param name="maxSpanLength">Longest span (default 40).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public BlankInfilling(BlankInfillingTokens tokens, double maskRatio = 0.15, double poissonLambda = 3.0, int maxSpanLength = 40)
    {
        Tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        if (!(maskRatio > 0 && maskRatio < 1)) throw new ArgumentOutOfRangeException(nameof(maskRatio), maskRatio, "Mask ratio must be in (0, 1).");
        if (!(poissonLambda > 0 && poissonLambda <= 30)) throw new ArgumentOutOfRangeException(nameof(poissonLambda), poissonLambda, "Poisson lambda must be in (0, 30].");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSpanLength, 1);
        MaskRatio = maskRatio; PoissonLambda = poissonLambda; MaxSpanLength = maxSpanLength;
    }

    /// <summary>The special tokens.</summary>
    public BlankInfillingTokens Tokens { get; }

    /// <summary>Fraction of maskable tokens covered by spans.</summary>
    public double MaskRatio { get; }

    /// <summary>Mean span length.</summary>
    public double PoissonLambda { get; }

    /// <summary>Longest span.</summary>
    public int MaxSpanLength { get; }

    /// <inheritdoc />
    public string Name => "abi";

    /// <inheritdoc />
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        if (examples.Count == 0) throw new ArgumentException("Prepare needs at least one example.", nameof(examples));
        var special = context.SpecialTokens;
        var layouts = new BlankInfillingLayout[examples.Count];
        for (int b = 0; b < examples.Count; b++)
        {
            var example = examples[b] ?? throw new ArgumentException($"Example {b} is null.", nameof(examples));
            layouts[b] = BlankInfillingLayout.Build(example.Ids, Tokens, special.IsStructural, MaskRatio, PoissonLambda, MaxSpanLength, context.Random);
            int needed = Math.Max(layouts[b].Length, layouts[b].Positions.Max() + 1);
            if (needed > context.MaxSequenceLength) throw new SequenceTooLongException(b, needed, context.MaxSequenceLength);
        }
        int length = layouts.Max(l => l.Length);
        int batch = examples.Count;
        var inputs = new int[batch * length];
        var targets = new int[batch * length];
        var positions = new int[batch * length];
        var keyMask = new bool[batch * length];
        Array.Fill(inputs, special.Pad);
        Array.Fill(targets, ObjectiveBatch.IgnoreIndex);
        for (int b = 0; b < batch; b++)
        {
            var l = layouts[b];
            l.Inputs.CopyTo(inputs, b * length);
            l.Targets.CopyTo(targets, b * length);
            l.Positions.CopyTo(positions, b * length);
            keyMask.AsSpan(b * length, l.Length).Fill(true);
        }
        var policy = AttentionMaskPolicy.PrefixBidirectional(layouts.Select(l => l.PrefixLength).ToArray());
        return new ObjectiveBatch(batch, length, inputs, positions, targets, policy, keyMask, Name);
    }
}
