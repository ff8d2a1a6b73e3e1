namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>The scores of one test split. Each metric is absent (empty or null) when it was not selected or does not
/// apply to the split (BICO's name substring on name splits, BLEU on description splits).</summary>
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

    /// <summary>Berglund starts-with accuracy (0..1) per decoder name, e.g. <c>greedy</c>, <c>greedy_infill</c>
    /// (<see cref="ReversalCurseMetrics.BerglundStartsWith"/>).</summary>
    public required IReadOnlyDictionary<string, double> Greedy { get; init; }

    /// <summary>Fraction (0..1) of rows whose true completion has strictly the highest summed log-likelihood among the
    /// candidates (NaN when <see cref="ReversalCurseMetrics.Rank1"/> was not selected).</summary>
    public required double Rank1 { get; init; }

    /// <summary>Rank@1 of a uniform guess: 1 / <see cref="Candidates"/>.</summary>
    public required double Chance { get; init; }

    /// <summary>Rank@1 by mean log-likelihood per completion token (null when not computed).</summary>
    public double? Rank1Mean { get; init; }

    /// <summary>BICO name-substring accuracy per decoder (name splits; <see cref="ReversalCurseMetrics.BicoNameSubstring"/>).</summary>
    public IReadOnlyDictionary<string, double> BicoNameSubstring { get; init; } = new Dictionary<string, double>();

    /// <summary>BICO mean sentence BLEU (0..1) per decoder (description splits; <see cref="ReversalCurseMetrics.BicoBleu"/>).</summary>
    public IReadOnlyDictionary<string, double> BicoBleu { get; init; } = new Dictionary<string, double>();

    /// <summary>Berglund's randomized log-probability test (null when not computed or the split has no randomized rows).</summary>
    public RandomizedComparison? Randomized { get; init; }
}
