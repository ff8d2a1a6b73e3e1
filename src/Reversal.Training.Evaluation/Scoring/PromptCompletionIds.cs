namespace Reversal.Training.Evaluation.Scoring;

/// <summary>
/// A tokenised prompt and a tokenised completion whose log-likelihood <c>log p(completion | prompt)</c> a
/// <see cref="SequenceScorer"/> computes.
/// </summary>
/// <param name="PromptIds">The conditioning ids, usually starting with BOS; at least one id.</param>
/// <param name="CompletionIds">The ids whose log-probabilities are summed; at least one id.</param>
public readonly record struct PromptCompletionIds(int[] PromptIds, int[] CompletionIds)
{
    /// <summary>Number of tokens of prompt and completion together (0 for null arrays).</summary>
    public int TotalLength => (PromptIds?.Length ?? 0) + (CompletionIds?.Length ?? 0);
}
