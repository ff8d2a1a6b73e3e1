using Reversal.Training.Attention;

namespace Reversal.Training.Engine.Attention;

/// <summary>
/// One layer's KV cache for a batch of rows: RoPE-rotated keys and values <c>[B, C, Hkv·d]</c> (C = capacity), row b's
/// first <c>length_b</c> entries valid. Entries past a row's length are never attended to.
/// </summary>
internal sealed class CachedKeyValues
{
    public CachedKeyValues(int batchSize, int capacity, int width)
    {
        BatchSize = batchSize;
        Capacity = capacity;
        Width = width;
        Keys = new float[batchSize * capacity * width];
        Values = new float[batchSize * capacity * width];
        KeyPositions = new int[batchSize * capacity];
        for (int i = 0; i < KeyPositions.Length; i++) KeyPositions[i] = i % capacity;
    }

    public int BatchSize { get; }

    public int Capacity { get; }

    /// <summary>Hkv·d.</summary>
    public int Width { get; }

    /// <summary>Rotated keys <c>[B, C, Hkv·d]</c>.</summary>
    public float[] Keys { get; }

    /// <summary>Values <c>[B, C, Hkv·d]</c>.</summary>
    public float[] Values { get; }

    /// <summary>Position of every cache entry, <c>[B, C]</c>: entry n of a row sits at position n.</summary>
    public int[] KeyPositions { get; }

    /// <summary>
    /// Writes the step's new keys (rotated at their positions with the standard RoPE) and values, packed
    /// <c>[N, Hkv·d]</c>, into each row at <c>[CachedLengths[b], CachedLengths[b] + NewCounts[b])</c>.
    /// </summary>
    public void Write(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, DecodingStep step, RotaryEmbedding rope)
    {
        int heads = Width / rope.HeadDim;
        for (int b = 0; b < step.BatchSize; b++)
        {
            int count = step.NewCounts[b];
            if (count == 0) continue;
            int source = step.RowStarts[b] * Width, target = (b * Capacity + step.CachedLengths[b]) * Width;
            rope.RotateAll(keys.Slice(source, count * Width), Keys.AsSpan(target, count * Width),
                step.Positions.AsSpan(step.RowStarts[b], count), heads, negateSine: false);
            values.Slice(source, count * Width).CopyTo(Values.AsSpan(target, count * Width));
        }
    }
}
