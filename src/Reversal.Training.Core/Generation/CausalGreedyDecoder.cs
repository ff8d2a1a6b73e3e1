using Reversal.Training.Models;

namespace Reversal.Training.Generation;

/// <summary>Ordinary causal greedy decoding with the KV cache (how every objective's model is used at inference).</summary>
public sealed class CausalGreedyDecoder : ICompletionDecoder
{
    /// <summary>The shared instance.</summary>
    public static CausalGreedyDecoder Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "greedy";

    /// <inheritdoc />
    public int[] Decode(ICausalLanguageModel model, int[] promptIds, int maxNewTokens, int stopId) =>
        Generator.Generate(model, promptIds, GenerationOptions.Greedy(maxNewTokens, stopId));
}
