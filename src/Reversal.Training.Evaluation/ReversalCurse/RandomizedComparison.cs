namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// Berglund et al.'s randomized log-probability test on one split: each row's prompt scored with its true completion
/// and with its counterpart from the <c>*_randomized</c> file (another person's completion). Log-probabilities are
/// summed over the completion's tokens, as their <c>cond_log_prob</c> with absolute normalisation.
/// </summary>
/// <param name="Pairs">Rows compared.</param>
/// <param name="TrueBeatsRandom">Fraction of rows whose true completion has the strictly higher log-probability (chance
/// 0.5 for a model that learned nothing).</param>
/// <param name="MeanTrueLogProbability">Mean of <c>log p(true | prompt)</c>.</param>
/// <param name="MeanRandomLogProbability">Mean of <c>log p(random | prompt)</c>.</param>
public sealed record RandomizedComparison(int Pairs, double TrueBeatsRandom, double MeanTrueLogProbability, double MeanRandomLogProbability)
{
    /// <summary>The paired mean difference <c>mean(log p(true) − log p(random))</c> (nats); positive when the model
    /// prefers the true completion.</summary>
    public double MeanDifference => MeanTrueLogProbability - MeanRandomLogProbability;
}
