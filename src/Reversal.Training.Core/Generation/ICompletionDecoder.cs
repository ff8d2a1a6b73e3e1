using Reversal.Training.Models;

namespace Reversal.Training.Generation;

/// <summary>
/// A way of decoding a completion for a prompt: plain left-to-right greedy decoding, or an objective-specific scheme
/// such as GLM-style blank infilling. Evaluators take a list of these and score each.
/// </summary>
public interface ICompletionDecoder
{
    /// <summary>Short name for reports (e.g. <c>greedy</c>, <c>greedy_infill</c>).</summary>
    string Name { get; }

    /// <summary>Decodes up to <paramref name="maxNewTokens"/> tokens after <paramref name="promptIds"/>; returns only the new tokens (stopping after <paramref name="stopId"/>, which is included).</summary>
    int[] Decode(ICausalLanguageModel model, int[] promptIds, int maxNewTokens, int stopId);

    /// <summary>
    /// Decodes every prompt of <paramref name="prompts"/> (row i with a budget of <c>maxNewTokens[i]</c> tokens),
    /// <paramref name="batchSize"/> rows at a time; returns the new tokens of each row, in input order. Row i equals
    /// <c>Decode(model, prompts[i], maxNewTokens[i], stopId)</c>. The default implementation decodes one row at a time;
    /// decoders that batch (one forward per step over all rows) override it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="maxNewTokens"/> does not have one entry per prompt, or a
    /// prompt is invalid for the model (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    int[][] Decode(ICausalLanguageModel model, IReadOnlyList<int[]> prompts, IReadOnlyList<int> maxNewTokens, int stopId, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(maxNewTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (maxNewTokens.Count != prompts.Count)
            throw new ArgumentException($"{maxNewTokens.Count} budgets for {prompts.Count} prompts.", nameof(maxNewTokens));
        var results = new int[prompts.Count][];
        for (int i = 0; i < prompts.Count; i++)
            results[i] = Decode(model, prompts[i] ?? throw new ArgumentException($"Prompt {i} is null.", nameof(prompts)), maxNewTokens[i], stopId);
        return results;
    }
}
