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
}
