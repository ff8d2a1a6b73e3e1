using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Samples.ReversalCurse;

/// <summary>One evaluated split of a saved run: fractions in 0..1.</summary>
/// <param name="Split">Split name (e.g. <c>p2d_reverse</c>).</param>
/// <param name="TargetKind">Whether the answers are names or descriptions.</param>
/// <param name="Count">Rows scored.</param>
/// <param name="Candidates">Distinct completions rank@1 chose among.</param>
/// <param name="Rank1">Rank@1 accuracy.</param>
/// <param name="Chance">1 / candidates.</param>
/// <param name="Greedy">Greedy accuracy per decoder name.</param>
public sealed record SplitRecord(string Split, TargetKind TargetKind, int Count, int Candidates, double Rank1, double Chance,
    IReadOnlyDictionary<string, double> Greedy)
{
    /// <summary>The split records of an evaluator result.</summary>
    public static IReadOnlyList<SplitRecord> ListOf(ReversalCurseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Splits.Select(s => new SplitRecord(s.Split, s.TargetKind, s.Count, s.Candidates, s.Rank1, s.Chance,
            new Dictionary<string, double>(s.Greedy, StringComparer.Ordinal))).ToArray();
    }

    /// <summary>The evaluator's result rebuilt from saved split records.</summary>
    public static ReversalCurseResult ToResult(IEnumerable<SplitRecord> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        return new(splits.Select(s => new SplitResult
        {
            Split = s.Split, TargetKind = s.TargetKind, Count = s.Count, Candidates = s.Candidates,
            Greedy = s.Greedy, Rank1 = s.Rank1, Chance = s.Chance,
        }));
    }
}
