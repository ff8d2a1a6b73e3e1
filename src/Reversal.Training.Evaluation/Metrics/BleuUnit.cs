namespace Reversal.Training.Evaluation.Metrics;

/// <summary>What <see cref="SentenceBleu"/> counts n-grams of.</summary>
public enum BleuUnit
{
    /// <summary>Characters, spaces included: what the BICO reference code computes, since it passes the generated and
    /// the target strings (not word lists) to nltk's <c>sentence_bleu</c>, which then iterates over characters.</summary>
    Characters,

    /// <summary>Whitespace-separated words: BLEU as Papineni et al. define it.</summary>
    Words,
}
