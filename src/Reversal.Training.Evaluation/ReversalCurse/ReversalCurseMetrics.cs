namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// The metrics <see cref="ReversalCurseEvaluator"/> computes, each as its paper or reference code defines it; combine
/// with <c>|</c>. See <see cref="ReversalCurseEvaluatorOptions.Metrics"/>.
/// </summary>
[Flags]
public enum ReversalCurseMetrics
{
    /// <summary>Nothing (the evaluator refuses an empty selection).</summary>
    None = 0,

    /// <summary>Berglund et al. (2023): greedy decoding; correct when the stripped, lower-cased answer starts with the
    /// stripped, lower-cased full target (their <c>evaluate_completion</c>). Per decoder.</summary>
    BerglundStartsWith = 1,

    /// <summary>Lv et al. (BICO, 2023), name splits: correct when the lower-cased target name is a substring of the
    /// answer generated in <see cref="ReversalCurseEvaluatorOptions.BicoNewTokens"/> tokens (40 in their code). Per
    /// decoder.</summary>
    BicoNameSubstring = 2,

    /// <summary>Lv et al. (BICO), description splits: mean sentence BLEU-4 of the answer generated in
    /// <see cref="ReversalCurseEvaluatorOptions.BicoNewTokens"/> tokens against the target
    /// (<see cref="ReversalCurseEvaluatorOptions.BleuUnit"/>, <see cref="ReversalCurseEvaluatorOptions.BleuSmoothing"/>).
    /// Per decoder.</summary>
    BicoBleu = 4,

    /// <summary>Likelihood rank@1 among the split's distinct completions, both by summed log-probability (which
    /// favours short completions) and by mean log-probability per token.</summary>
    Rank1 = 8,

    /// <summary>Berglund et al.'s randomized test: for each row, does the true completion get a higher log-probability
    /// than its counterpart in the <c>*_randomized</c> file (another person's completion after the same prompt), with
    /// the paired mean difference. Computed for the splits that have randomized rows.</summary>
    RandomizedLogProbability = 16,

    /// <summary>Every metric.</summary>
    All = BerglundStartsWith | BicoNameSubstring | BicoBleu | Rank1 | RandomizedLogProbability,
}
