namespace Reversal.Training.Data.ReversalCurse;

/// <summary>Which order a fictitious person's facts are trained in.</summary>
public enum PersonSubset
{
    /// <summary>Trained only name-first ("&lt;name&gt; is &lt;description&gt;"); the "p2d" subset.</summary>
    P2D,

    /// <summary>Trained only description-first ("&lt;description&gt; is &lt;name&gt;"); the "d2p" subset.</summary>
    D2P,

    /// <summary>Trained in both orders; the "both" subset.</summary>
    Both,
}
