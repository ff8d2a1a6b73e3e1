using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>Settings of <see cref="ReversalCurseEvaluator"/>; the defaults follow the Berglund et al. scoring.</summary>
public sealed record ReversalCurseEvaluatorOptions
{
    /// <summary>Greedy scoring counts only this many leading words of a description target (default 4: "greedy counts
    /// the first four words of a description"). At least 1.</summary>
    public int DescriptionWords { get; init; } = 4;

    /// <summary>Greedy decoding may produce this many tokens beyond the target's token count (default 4). At least 0.</summary>
    public int ExtraNewTokens { get; init; } = 4;

    /// <summary>When set, only the first this many rows of each split are evaluated (rank@1 candidates still come
    /// from the whole split); null (default) evaluates every row. At least 1.</summary>
    public int? MaxPerSplit { get; init; }

    /// <summary>Sequences per forward pass of likelihood scoring (default <see cref="SequenceScorer.DefaultBatchSize"/>). At least 1.</summary>
    public int BatchSize { get; init; } = SequenceScorer.DefaultBatchSize;

    /// <summary>The target kind of each split name (default <see cref="SplitTargetKinds.Default"/>). Evaluating a
    /// split missing from this mapping is an error.</summary>
    public IReadOnlyDictionary<string, TargetKind> TargetKinds { get; init; } = SplitTargetKinds.Default;

    /// <summary>Checks every value is in range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        if (DescriptionWords < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.DescriptionWords must be at least 1, got {DescriptionWords}.");
        if (ExtraNewTokens < 0) throw new ArgumentException($"ReversalCurseEvaluatorOptions.ExtraNewTokens must be non-negative, got {ExtraNewTokens}.");
        if (MaxPerSplit is < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.MaxPerSplit must be at least 1 when set, got {MaxPerSplit}.");
        if (BatchSize < 1) throw new ArgumentException($"ReversalCurseEvaluatorOptions.BatchSize must be at least 1, got {BatchSize}.");
        if (TargetKinds is null) throw new ArgumentException("ReversalCurseEvaluatorOptions.TargetKinds must not be null.");
    }
}
