using Reversal.Training.Models;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// Keys (already RoPE-rotated) and values of the tokens decoded so far, per layer, for one sequence: decoding a new
/// token then costs one attention row per layer instead of a full forward over the prefix.
/// </summary>
public sealed class KvCache
{
    private readonly Layer[] _layers;

    /// <summary>Creates an empty cache with room for <paramref name="capacity"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Capacity is not positive or exceeds the model's context.</exception>
    public KvCache(LlamaConfig config, int capacity)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (capacity < 1 || capacity > config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"KV cache capacity must be in [1, {config.MaxPositionEmbeddings}] (the model's context).");
        Capacity = capacity;
        _layers = new Layer[config.NumHiddenLayers];
        for (int i = 0; i < _layers.Length; i++) _layers[i] = new Layer(capacity, config.KeyValueHeads * config.HeadDim);
    }

    /// <summary>Maximum number of tokens.</summary>
    public int Capacity { get; }

    /// <summary>Tokens cached so far.</summary>
    public int Length => _layers[0].Length;

    internal Layer this[int layer] => _layers[layer];

    /// <summary>Forgets every cached token.</summary>
    public void Clear()
    {
        foreach (var l in _layers) l.Length = 0;
    }

    /// <summary>The cache of one layer: <c>Keys</c> and <c>Values</c> are <c>[Capacity, Hkv·d]</c>.</summary>
    internal sealed class Layer
    {
        public Layer(int capacity, int width)
        {
            Width = width;
            Keys = new float[capacity * width];
            Values = new float[capacity * width];
        }

        public int Width { get; }
        public float[] Keys { get; }
        public float[] Values { get; }
        public int Length { get; set; }

        public void Append(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int[] positions, RotaryEmbedding rope)
        {
            int count = positions.Length;
            if (Length + count > Keys.Length / Width)
                throw new InvalidOperationException($"KV cache is full: {Length} + {count} tokens exceed its capacity {Keys.Length / Width}.");
            rope.RotateAll(keys, Keys.AsSpan(Length * Width, count * Width), positions, Width / rope.HeadDim, negateSine: false);
            values.CopyTo(Values.AsSpan(Length * Width, count * Width));
            Length += count;
        }
    }
}
