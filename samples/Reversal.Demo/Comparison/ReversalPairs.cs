using Reversal.Training.Data.ReversalCurse;

namespace Reversal.Demo.Comparison;

/// <summary>
/// Each reversed split with the forward split whose answers are of the same kind, for the reversed ÷ forward rank@1
/// ratio: p2d_reverse and d2p both answer with a name, d2p_reverse and p2d both with a description.
/// </summary>
internal static class ReversalPairs
{
    public static IReadOnlyList<(string Reversed, string Forward)> All { get; } =
    [
        (ReversalSplits.P2DReverse, ReversalSplits.D2P),
        (ReversalSplits.D2PReverse, ReversalSplits.P2D),
    ];

    public static string Label((string Reversed, string Forward) pair) => $"{pair.Reversed} ÷ {pair.Forward}";
}
