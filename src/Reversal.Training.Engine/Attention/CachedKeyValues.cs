using Reversal.Training.Attention;

namespace Reversal.Training.Engine.Attention;

/// <summary>
/// One layer's KV cache for a batch of rows: RoPE-rotated keys and values <c>[B, C, Hkv·d]</c> (C = capacity), row b's
/// first <c>length_b</c> entries valid, with each entry's position id. Entries past a row's length are never attended
/// to. Once <see cref="EnableMirroredKeys"/> is called, the keys are also kept with the sine-negated rotation (for
/// policies that score keys ahead of the query that way).
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

    /// <summary>Position id of every cache entry, <c>[B, C]</c> (entry n of a row sits at position n unless written
    /// with explicit positions).</summary>
    public int[] KeyPositions { get; }

    /// <summary>Keys rotated with the sine-negated RoPE <c>[B, C, Hkv·d]</c>, or null until <see cref="EnableMirroredKeys"/>.</summary>
    public float[]? KeysMirrored { get; private set; }

    /// <summary>From now on <see cref="Write"/> also stores the sine-negated rotation of every key (call before the
    /// first write).</summary>
    public void EnableMirroredKeys() => KeysMirrored ??= new float[Keys.Length];

    /// <summary>Copies the first <paramref name="length"/> entries of row <paramref name="source"/> (keys, values,
    /// positions) into row <paramref name="target"/>.</summary>
    public void CopyRow(int source, int target, int length)
    {
        int from = source * Capacity, to = target * Capacity;
        Keys.AsSpan(from * Width, length * Width).CopyTo(Keys.AsSpan(to * Width));
        Values.AsSpan(from * Width, length * Width).CopyTo(Values.AsSpan(to * Width));
        KeysMirrored?.AsSpan(from * Width, length * Width).CopyTo(KeysMirrored.AsSpan(to * Width));
        KeyPositions.AsSpan(from, length).CopyTo(KeyPositions.AsSpan(to));
    }

    /// <summary>
    /// Writes the step's new keys (rotated at their positions with the standard RoPE, and the sine-negated one when
    /// enabled), values and positions, packed <c>[N, Hkv·d]</c>, into each row at
    /// <c>[CachedLengths[b], CachedLengths[b] + NewCounts[b])</c>.
    /// </summary>
    public void Write(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, DecodingStep step, RotaryEmbedding rope)
    {
        int heads = Width / rope.HeadDim;
        for (int b = 0; b < step.BatchSize; b++)
        {
            int count = step.NewCounts[b];
            if (count == 0) continue;
            int source = step.RowStarts[b] * Width, target = (b * Capacity + step.CachedLengths[b]) * Width;
            var positions = step.Positions.AsSpan(step.RowStarts[b], count);
            rope.RotateAll(keys.Slice(source, count * Width), Keys.AsSpan(target, count * Width), positions, heads, negateSine: false);
            if (KeysMirrored is not null)
                rope.RotateAll(keys.Slice(source, count * Width), KeysMirrored.AsSpan(target, count * Width), positions, heads, negateSine: true);
            values.Slice(source, count * Width).CopyTo(Values.AsSpan(target, count * Width));
            positions.CopyTo(KeyPositions.AsSpan(b * Capacity + step.CachedLengths[b], count));
        }
    }
}
