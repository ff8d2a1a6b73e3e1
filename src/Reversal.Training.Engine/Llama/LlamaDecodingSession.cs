using System.Runtime.InteropServices;
using Reversal.Training.Attention;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Models;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// Incremental decoding of a batch of rows on our engine: one <see cref="KvCache"/> of B rows, and one forward per
/// call over the kept tokens of every row packed together, so each projection is one GEMM over all rows. Padding
/// entries are neither computed, cached nor positioned; every row decodes exactly (bit for bit) as it would alone.
/// See <see cref="IDecodingSession"/>; as an <see cref="IPrefixDecodingSession"/> it also decodes after a
/// bidirectional prefix (GLM infilling), keeping the keys' mirrored rotation in the cache.
/// </summary>
internal sealed class LlamaDecodingSession : IPrefixDecodingSession
{
    private readonly LlamaModel _model;
    private readonly KvCache _cache;
    private readonly float[] _lastLogits;
    private readonly bool[] _hasLogits;
    private readonly PackedWeights _packs = new();
    private AttentionMaskPolicy? _policy;

    public LlamaDecodingSession(LlamaModel model, int batchSize, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (capacity < 1 || capacity > model.Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The capacity must be in [1, {model.Config.MaxPositionEmbeddings}] (the model's context).");
        _model = model;
        _cache = model.CreateKvCache(capacity, batchSize);
        _lastLogits = new float[batchSize * model.Config.VocabSize];
        _hasLogits = new bool[batchSize];
        Capacity = capacity;
    }

    public int BatchSize => _cache.BatchSize;

    public int Capacity { get; }

    public int Length(int row) => _cache.RowLength(row);

    public float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep = default) => Feed(Pack(ids, keep, default));

    public float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions)
    {
        DecodingChecks.PositionCount(positions.Length, ids.Length);
        return Feed(Pack(ids, keep, positions));
    }

    public float[] Prefill(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions, IReadOnlyList<int> prefixLengths)
    {
        DecodingChecks.Prefill([.. Enumerable.Range(0, BatchSize).Select(_cache.RowLength)], prefixLengths);
        DecodingChecks.PositionCount(positions.Length, ids.Length);
        var packed = Pack(ids, keep, positions);
        DecodingChecks.PrefixLengths(prefixLengths, packed.Counts);
        _cache.KeepMirroredKeys();
        _policy = AttentionMaskPolicy.PrefixBidirectional(prefixLengths);
        return Feed(packed);
    }

    /// <summary>New tokens of one call, packed row after row without padding.</summary>
    private sealed record PackedColumns(List<int> Ids, int[] Counts, int[]? Positions);

    private PackedColumns Pack(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions)
    {
        int rows = BatchSize, columns = DecodingChecks.Columns(ids.Length, keep.Length, rows);
        int vocab = _model.Config.VocabSize, context = _model.Config.MaxPositionEmbeddings;
        var counts = new int[rows];
        var packed = new List<int>(ids.Length);
        var packedPositions = positions.IsEmpty ? null : new List<int>(ids.Length);
        for (int b = 0; b < rows; b++)
        {
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                if (!keep.IsEmpty && !keep[i]) continue;
                DecodingChecks.Entry(ids[i], packedPositions is null ? null : positions[i], b, vocab, context);
                packedPositions?.Add(positions[i]);
                packed.Add(ids[i]);
                counts[b]++;
            }
            DecodingChecks.Row(b, _cache.RowLength(b) + counts[b], Capacity, counts[b] > 0 || _hasLogits[b]);
        }
        return new PackedColumns(packed, counts, packedPositions?.ToArray());
    }

    private float[] Feed(PackedColumns packed)
    {
        int vocab = _model.Config.VocabSize;
        if (packed.Ids.Count > 0)
        {
            float[] logits;
            using (TensorMemory.BeginScope())
                logits = _model.DecodeStep(CollectionsMarshal.AsSpan(packed.Ids), packed.Counts, _cache, packed.Positions, _policy, _packs);
            for (int b = 0, r = 0; b < BatchSize; b++)
            {
                if (packed.Counts[b] == 0) continue;
                logits.AsSpan(r++ * vocab, vocab).CopyTo(_lastLogits.AsSpan(b * vocab, vocab));
                _hasLogits[b] = true;
            }
        }
        return (float[])_lastLogits.Clone();
    }

    public void Dispose() => _packs.Dispose();
}
