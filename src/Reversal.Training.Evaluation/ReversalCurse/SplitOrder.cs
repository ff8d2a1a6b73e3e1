using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>The order splits are evaluated and reported in.</summary>
internal static class SplitOrder
{
    /// <summary>The Berglund splits present, in <see cref="ReversalSplits.All"/> order, then the others in ordinal order
    /// (duplicates removed).</summary>
    public static string[] Sort(IEnumerable<string> names)
    {
        var set = new HashSet<string>(names, StringComparer.Ordinal);
        return
        [
            .. ReversalSplits.All.Where(set.Contains),
            .. set.Where(name => !ReversalSplits.All.Contains(name)).Order(StringComparer.Ordinal),
        ];
    }
}
