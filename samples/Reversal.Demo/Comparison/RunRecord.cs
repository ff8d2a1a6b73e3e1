using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Demo.Comparison;

/// <summary>The outcome of training and evaluating one objective with one seed, as saved in <c>runs/&lt;objective&gt;.json</c>.</summary>
internal sealed record RunRecord
{
    public required string Objective { get; init; }
    public required int Seed { get; init; }
    public required RunSettings Settings { get; init; }
    public required double FinalLoss { get; init; }
    public required double TrainSeconds { get; init; }
    public required double TokensPerSecond { get; init; }
    public required IReadOnlyList<SplitRecord> Splits { get; init; }

    /// <summary>The evaluator's result for this run, rebuilt from the record.</summary>
    public ReversalCurseResult ToResult() => new(Splits.Select(s => new SplitResult
    {
        Split = s.Split, TargetKind = s.TargetKind, Count = s.Count, Candidates = s.Candidates,
        Greedy = s.Greedy, Rank1 = s.Rank1, Chance = s.Chance,
    }));

    /// <summary>The split records of an evaluator result.</summary>
    public static IReadOnlyList<SplitRecord> SplitsOf(ReversalCurseResult result) =>
        result.Splits.Select(s => new SplitRecord(s.Split, s.TargetKind, s.Count, s.Candidates, s.Rank1, s.Chance,
            new Dictionary<string, double>(s.Greedy, StringComparer.Ordinal))).ToArray();
}

/// <summary>One split of a <see cref="RunRecord"/>: fractions in 0..1.</summary>
/// <param name="Split">Split name (e.g. <c>p2d_reverse</c>).</param>
/// <param name="TargetKind">Whether the answers are names or descriptions.</param>
/// <param name="Count">Rows scored.</param>
/// <param name="Candidates">Distinct completions rank@1 chose among.</param>
/// <param name="Rank1">Rank@1 accuracy.</param>
/// <param name="Chance">1 / candidates.</param>
/// <param name="Greedy">Greedy accuracy per decoder name.</param>
internal sealed record SplitRecord(string Split, TargetKind TargetKind, int Count, int Candidates, double Rank1, double Chance,
    IReadOnlyDictionary<string, double> Greedy);
