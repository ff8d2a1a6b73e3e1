using Reversal.Training.Evaluation.Metrics;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// Settings of <see cref="ReversalCurseEvaluator"/>. The defaults compute every metric of
/// <see cref="ReversalCurseMetrics"/> the way its source computes it: Berglund et al.'s starts-with on the full target,
/// and the BICO code's 40-token name substring and sentence BLEU.
/// </summary>
public sealed record ReversalCurseEvaluatorOptions
{
    /// <summary>Which metrics to compute (default <see cref="ReversalCurseMetrics.All"/>). Decoding runs only when a
    /// generation metric is selected, likelihood scoring only for rank@1 or the randomized test.</summary>
    public ReversalCurseMetrics Metrics { get; init; } = ReversalCurseMetrics.All;

    /// <summary>
    /// Null (default, as Berglund et al.): starts-with scoring requires the whole description. When set, only this
    /// many leading words of a description target are required (a lenient variant of ours, not from a paper). At least 1.
    /// </summary>
    public int? DescriptionWords { get; init; }

    /// <summary>Starts-with decoding may produce this many tokens beyond the target's token count (default 4; the
    /// answer is judged on its prefix, so more tokens never change the result). At least 0.</summary>
    public int ExtraNewTokens { get; init; } = 4;

    /// <summary>Tokens generated for the BICO metrics (default 40, their code's <c>max_new_tokens</c>). At least 1.</summary>
    public int BicoNewTokens { get; init; } = 40;

    /// <summary>BLEU units (default <see cref="Metrics.BleuUnit.Characters"/>, what the BICO code computes).</summary>
    public BleuUnit BleuUnit { get; init; } = BleuUnit.Characters;

    /// <summary>BLEU smoothing (default <see cref="Metrics.BleuSmoothing.None"/>, the BICO code's nltk default).</summary>
    public BleuSmoothing BleuSmoothing { get; init; } = BleuSmoothing.None;

    /// <summary>When set, only the first this many rows of each split are evaluated (rank@1 candidates still come
    /// from the whole split); null (default) evaluates every row. At least 1.</summary>
    public int? MaxPerSplit { get; init; }

    /// <summary>Sequences per forward pass of likelihood scoring (default <see cref="SequenceScorer.DefaultBatchSize"/>). At least 1.</summary>
    public int BatchSize { get; init; } = SequenceScorer.DefaultBatchSize;

    /// <summary>Likelihood scoring runs each prompt once for all its candidates when the model supports it (default
    /// true; see <see cref="SequenceScorer.SharesPrompts"/>); false scores every (prompt, candidate) pair alone.</summary>
    public bool SharePromptsInScoring { get; init; } = true;

    /// <summary>Prompts decoded together by each decoder (default 64; 1 decodes one row at a time). At least 1.</summary>
    public int DecodingBatchSize { get; init; } = 64;

    /// <summary>The target kind of each split name (default <see cref="SplitTargetKinds.Default"/>). Evaluating a
    /// split missing from this mapping is an error.</summary>
    public IReadOnlyDictionary<string, TargetKind> TargetKinds { get; init; } = SplitTargetKinds.Default;

    /// <summary>Checks every value is in range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        if (Metrics == ReversalCurseMetrics.None || (Metrics & ~ReversalCurseMetrics.All) != 0)
            throw new ArgumentException($"ReversalCurseEvaluatorOptions.Metrics must select at least one known metric, got {Metrics}.");
        if (DescriptionWords is < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.DescriptionWords must be at least 1 when set, got {DescriptionWords}.");
        if (ExtraNewTokens < 0) throw new ArgumentException($"ReversalCurseEvaluatorOptions.ExtraNewTokens must be non-negative, got {ExtraNewTokens}.");
        if (BicoNewTokens < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.BicoNewTokens must be at least 1, got {BicoNewTokens}.");
        if (!Enum.IsDefined(BleuUnit)) throw new ArgumentException($"ReversalCurseEvaluatorOptions.BleuUnit {BleuUnit} is not defined.");
        if (!Enum.IsDefined(BleuSmoothing)) throw new ArgumentException($"ReversalCurseEvaluatorOptions.BleuSmoothing {BleuSmoothing} is not defined.");
        if (MaxPerSplit is < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.MaxPerSplit must be at least 1 when set, got {MaxPerSplit}.");
        if (BatchSize < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.BatchSize must be at least 1, got {BatchSize}.");
        if (DecodingBatchSize < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.DecodingBatchSize must be at least 1, got {DecodingBatchSize}.");
        if (TargetKinds is null) throw new ArgumentException("ReversalCurseEvaluatorOptions.TargetKinds must not be null.");
    }
}
