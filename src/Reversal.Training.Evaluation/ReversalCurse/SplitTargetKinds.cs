using System.Collections.ObjectModel;
using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// Which kind of completion each Berglund test split has: <c>d2p</c> and <c>p2d_reverse</c> ask description -&gt;
/// name (<see cref="TargetKind.Name"/>); <c>p2d</c> and <c>d2p_reverse</c> ask name -&gt; description
/// (<see cref="TargetKind.Description"/>).
/// </summary>
public static class SplitTargetKinds
{
    /// <summary>The mapping of the four splits of <see cref="ReversalSplits.All"/>.</summary>
    public static IReadOnlyDictionary<string, TargetKind> Default { get; } = new ReadOnlyDictionary<string, TargetKind>(
        new Dictionary<string, TargetKind>(StringComparer.Ordinal)
        {
            [ReversalSplits.D2P] = TargetKind.Name,
            [ReversalSplits.P2D] = TargetKind.Description,
            [ReversalSplits.P2DReverse] = TargetKind.Name,
            [ReversalSplits.D2PReverse] = TargetKind.Description,
        });
}
