using Reversal.Training.Engine.Attention;
using Reversal.Training.Models;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// Keys (already RoPE-rotated) and values of the tokens decoded so far, per layer, for a batch of rows (one row by
/// default): decoding a new token then costs one attention row per layer instead of a full forward over the prefix.
/// Each row has its own length, so ragged rows share one cache.
/// </summary>
public sealed class KvCache
{
    private readonly CachedKeyValues[] _layers;
    private readonly int[] _lengths;

    /// <summary>Creates an empty cache with room for <paramref name="capacity"/> tokens in each of
    /// <paramref name="batchSize"/> rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Capacity is not positive or exceeds the model's context, or the
    /// batch size is below 1.</exception>
    public KvCache(LlamaConfig config, int capacity, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (capacity < 1 || capacity > config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"KV cache capacity must be in [1, {config.MaxPositionEmbeddings}] (the model's context).");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Capacity = capacity;
        _lengths = new int[batchSize];
        _layers = new CachedKeyValues[config.NumHiddenLayers];
        for (int i = 0; i < _layers.Length; i++) _layers[i] = new CachedKeyValues(batchSize, capacity, config.KeyValueHeads * config.HeadDim);
    }

    /// <summary>Maximum number of tokens per row.</summary>
    public int Capacity { get; }

    /// <summary>Rows B.</summary>
    public int BatchSize => _lengths.Length;

    /// <summary>Tokens cached so far in row 0 (the only row of a one-row cache).</summary>
    public int Length => _lengths[0];

    /// <summary>Tokens cached so far in row <paramref name="row"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside <c>[0, B)</c>.</exception>
    public int RowLength(int row)
    {
        if ((uint)row >= (uint)_lengths.Length) throw new ArgumentOutOfRangeException(nameof(row), row, $"The cache has {_lengths.Length} rows.");
        return _lengths[row];
    }

    internal CachedKeyValues this[int layer] => _layers[layer];

    /// <summary>The layout of a step that appends <paramref name="newCounts"/>[b] tokens to row b, at the given
    /// position ids (null: their cache indices).</summary>
    /// <exception cref="ArgumentException">A row would exceed the capacity.</exception>
    internal DecodingStep Plan(int[] newCounts, int[]? positions = null) => new((int[])_lengths.Clone(), newCounts, Capacity, positions);

    /// <summary>Every layer also keeps its keys with the sine-negated rotation from now on (before the first token).</summary>
    internal void KeepMirroredKeys()
    {
        foreach (var layer in _layers) layer.EnableMirroredKeys();
    }

    /// <summary>Row <paramref name="target"/> becomes a copy of row <paramref name="source"/> (its cached tokens, in
    /// every layer).</summary>
    internal void CopyRow(int source, int target)
    {
        foreach (var layer in _layers) layer.CopyRow(source, target, _lengths[source]);
        _lengths[target] = _lengths[source];
    }

    /// <summary>Forgets the tokens of row <paramref name="row"/> after its first <paramref name="length"/>.</summary>
    internal void Truncate(int row, int length)
    {
        if ((uint)length > (uint)_lengths[row])
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Row {row} holds {_lengths[row]} tokens.");
        _lengths[row] = length;
    }

    /// <summary>Records that every layer now holds the step's new tokens.</summary>
    internal void Commit(DecodingStep step)
    {
        for (int b = 0; b < _lengths.Length; b++) _lengths[b] += step.NewCounts[b];
    }

    /// <summary>Forgets every cached token of every row.</summary>
    public void Clear() => Array.Clear(_lengths);
}
