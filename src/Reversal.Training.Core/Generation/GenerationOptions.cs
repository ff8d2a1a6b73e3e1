namespace Reversal.Training.Generation;

/// <summary>How <see cref="Generator"/> picks tokens.</summary>
public sealed record GenerationOptions
{
    /// <summary>Maximum number of tokens to generate (default 32).</summary>
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>0 (default) decodes greedily (arg-max); above 0 samples from <c>softmax(logits / T)</c>.</summary>
    public float Temperature { get; init; }

    /// <summary>When sampling, keep only the <c>TopK</c> most likely tokens (0: all).</summary>
    public int TopK { get; init; }

    /// <summary>Seed of the sampler (sampling is reproducible for a given seed).</summary>
    public long Seed { get; init; }

    /// <summary>Generation stops after emitting any of these ids (the stop token is included in the result).</summary>
    public IReadOnlyCollection<int> StopTokens { get; init; } = [];

    /// <summary>Greedy decoding of up to <paramref name="maxNewTokens"/> tokens, stopping at <paramref name="stopTokens"/>.</summary>
    public static GenerationOptions Greedy(int maxNewTokens, params int[] stopTokens) => new() { MaxNewTokens = maxNewTokens, StopTokens = stopTokens };

    internal void Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "MaxNewTokens must be non-negative.");
        if (!(Temperature >= 0) || float.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be finite and non-negative.");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be non-negative.");
    }
}
