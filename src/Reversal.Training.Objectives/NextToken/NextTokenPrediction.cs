using Reversal.Training.Attention;
using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>
/// Plain next-token prediction under a causal mask: input <c>x[0..L−2]</c>, target <c>x[1..L−1]</c>, so output
/// position i predicts token i+1. Rows are right-padded to the longest example; padding is never a key nor a target.
/// </summary>
/// <remarks>
/// With <see cref="CompletionOnly"/>, targets inside the prompt are dropped (−100): only tokens at index
/// ≥ <see cref="TokenSequence.PromptLength"/> are predicted, so the prompt is context only (prompt masking).
/// </remarks>
public sealed class NextTokenPrediction : ITrainingObjective
{
    /// <summary>Creates the objective.</summary>
    /// <param name="completionOnly">Take the loss on completion tokens only (prompt masking).</param>
    public NextTokenPrediction(bool completionOnly = false) => CompletionOnly = completionOnly;

    /// <summary>True when prompt tokens are never targets.</summary>
    public bool CompletionOnly { get; }

    /// <inheritdoc />
    public string Name => "ntp";

    /// <inheritdoc />
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context)
    {
        var length = CausalBatchLayout.CheckExamples(examples, context);
        int batch = examples.Count;
        var layout = new CausalBatchLayout(batch, length, context.SpecialTokens.Pad);
        for (int b = 0; b < batch; b++)
        {
            var ids = examples[b].Ids;
            int firstTarget = CompletionOnly ? Math.Max(1, examples[b].PromptLength) : 1;
            for (int t = 0; t + 1 < ids.Length; t++)
            {
                layout.SetInput(b, t, ids[t]);
                if (t + 1 >= firstTarget) layout.SetTarget(b, t, ids[t + 1]);
            }
        }
        return layout.ToBatch(AttentionMaskPolicy.Causal, Name);
    }
}
