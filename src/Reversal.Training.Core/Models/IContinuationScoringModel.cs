namespace Reversal.Training.Models;

/// <summary>
/// A causal language model that scores many continuations of one shared prefix while running the prefix once: the
/// likelihood ranking of every candidate completion after the same prompt (rank@1) then costs the candidates' tokens,
/// not candidates × (prompt + candidate) tokens. Optional: scorers test for it and otherwise score each pair alone.
/// </summary>
public interface IContinuationScoringModel : ICausalLanguageModel
{
    /// <summary>
    /// The summed log-probability of every continuation after <paramref name="prefix"/>:
    /// <c>result[i] = Σ_j log softmax(logits after prefix + c_i[..j])[c_i[j]]</c> (log-softmax accumulated in double),
    /// equal up to float rounding to scoring each <c>(prefix, c_i)</c> alone with
    /// <see cref="ICausalLanguageModel.TargetLogProbabilities"/> under the causal policy and positions 0..T−1.
    /// </summary>
    /// <param name="prefix">The shared conditioning ids (at least one, e.g. BOS + prompt).</param>
    /// <param name="continuations">The scored ids (each at least one token).</param>
    /// <param name="batchSize">Continuations run together in one forward (at least 1).</param>
    /// <returns>One log-probability per continuation, in input order (each at most 0).</returns>
    /// <exception cref="ArgumentException">The prefix or a continuation is empty, an id is outside the vocabulary, or
    /// prefix plus a continuation exceed the context; the message names the continuation and position.</exception>
    double[] ContinuationLogProbabilities(int[] prefix, IReadOnlyList<int[]> continuations, int batchSize);
}
