namespace Reversal.Training.Evaluation.Metrics;

/// <summary>How <see cref="SentenceBleu"/> treats an n-gram order with no match (Chen &amp; Cherry, 2014, compare the
/// options). With the unsmoothed rule a short sentence missing any 4-gram match scores 0.</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing (Papineni et al., 2002): any order with zero matches makes the sentence score 0. This is
    /// what nltk's <c>sentence_bleu</c> computes by default (its <c>method0</c> substitutes the smallest positive float,
    /// giving about 1e−77).</summary>
    None,

    /// <summary>Add-one for orders n ≥ 2 (Lin &amp; Och, 2004; nltk <c>method2</c>):
    /// <c>p_n = (m_n + 1) / (l_n + 1)</c>; unigram precision unchanged.</summary>
    AddOne,

    /// <summary>Exponential decay (Chen &amp; Cherry's method 3; nltk <c>method3</c>): the k-th order with zero matches
    /// gets <c>p_n = 1 / (2^k · max(1, l_n))</c>.</summary>
    Exponential,
}
