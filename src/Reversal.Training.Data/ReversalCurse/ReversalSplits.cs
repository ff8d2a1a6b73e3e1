namespace Reversal.Training.Data.ReversalCurse;

/// <summary>
/// Names of the four test splits of the reversal-curse experiment (keys of
/// <see cref="ReversalCurseDataset.TestSplits"/>), as in Berglund et al.
/// </summary>
public static class ReversalSplits
{
    /// <summary>Description -&gt; name for people trained description-first (same direction as trained).</summary>
    public const string D2P = "d2p";

    /// <summary>Name -&gt; description for people trained name-first (same direction as trained).</summary>
    public const string P2D = "p2d";

    /// <summary>Description -&gt; name for people trained name-first: the reversal test.</summary>
    public const string P2DReverse = "p2d_reverse";

    /// <summary>Name -&gt; description for people trained description-first (the other reversal).</summary>
    public const string D2PReverse = "d2p_reverse";

    /// <summary>The four split names, in the order <see cref="D2P"/>, <see cref="P2D"/>, <see cref="P2DReverse"/>,
    /// <see cref="D2PReverse"/>.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly([D2P, P2D, P2DReverse, D2PReverse]);
}
