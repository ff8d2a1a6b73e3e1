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

    /// <inheritdoc />
    /// <remarks>Batched through <see cref="Generator.Generate(ICausalLanguageModel, IReadOnlyList{int[]}, GenerationOptions, IReadOnlyList{long}?, int, IReadOnlyList{int}?)"/>:
    /// one decoding session per batch, ragged prompts left-padded with entries the session neither caches nor positions.</remarks>
    public int[][] Decode(ICausalLanguageModel model, IReadOnlyList<int[]> prompts, IReadOnlyList<int> maxNewTokens, int stopId, int batchSize) =>
        Generator.Generate(model, prompts, GenerationOptions.Greedy(0, stopId), seeds: null, batchSize, maxNewTokens);
}
