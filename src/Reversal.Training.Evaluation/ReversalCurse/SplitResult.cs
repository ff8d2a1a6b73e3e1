namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>The scores of one test split.</summary>
public sealed record SplitResult
{
    /// <summary>The split name (e.g. <c>p2d_reverse</c>).</summary>
    public required string Split { get; init; }

    /// <summary>What the split's completions are.</summary>
    public required TargetKind TargetKind { get; init; }

    /// <summary>Number of rows evaluated.</summary>
    public required int Count { get; init; }

    /// <summary>Number of distinct (trimmed) completions of the split: the rank@1 candidates.</summary>
    public required int Candidates { get; init; }

    /// <summary>Greedy accuracy (0..1) per decoder name, e.g. <c>greedy</c>, <c>greedy_infill</c>.</summary>
    public required IReadOnlyDictionary<string, double> Greedy { get; init; }

    /// <summary>Fraction (0..1) of rows whose true completion has strictly the highest log-likelihood among the candidates.</summary>
    public required double Rank1 { get; init; }

    /// <summary>Rank@1 of a uniform guess: 1 / <see cref="Candidates"/>.</summary>
    public required double Chance { get; init; }
}
