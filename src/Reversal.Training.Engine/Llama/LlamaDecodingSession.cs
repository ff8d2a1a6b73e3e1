using Reversal.Training.Engine.Tensors;
using Reversal.Training.Models;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// Incremental decoding of a batch of rows on our engine: one <see cref="KvCache"/> per row, so every row decodes
/// exactly (bit for bit) as it would alone. Padding entries are skipped. See <see cref="IDecodingSession"/>.
/// </summary>
internal sealed class LlamaDecodingSession : IDecodingSession
{
    private readonly LlamaModel _model;
    private readonly KvCache[] _caches;
    private readonly float[]?[] _lastLogits;

    public LlamaDecodingSession(LlamaModel model, int batchSize, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (capacity < 1 || capacity > model.Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The capacity must be in [1, {model.Config.MaxPositionEmbeddings}] (the model's context).");
        _model = model;
        _caches = new KvCache[batchSize];
        for (int b = 0; b < batchSize; b++) _caches[b] = model.CreateKvCache(capacity);
        _lastLogits = new float[]?[batchSize];
        Capacity = capacity;
    }

    public int BatchSize => _caches.Length;

    public int Capacity { get; }

    public int Length(int row) => _caches[row].Length;

    public float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep = default)
    {
        int rows = BatchSize;
        if (ids.IsEmpty || ids.Length % rows != 0)
            throw new ArgumentException($"{ids.Length} ids do not form [{rows}, n] new columns.", nameof(ids));
        if (!keep.IsEmpty && keep.Length != ids.Length)
            throw new ArgumentException($"The keep mask has {keep.Length} entries for {ids.Length} ids.", nameof(keep));
        int columns = ids.Length / rows, vocab = _model.Config.VocabSize;
        var kept = new int[rows][];
        for (int b = 0; b < rows; b++)
        {
            var row = new List<int>(columns);
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                if (!keep.IsEmpty && !keep[i]) continue;
                if ((uint)ids[i] >= (uint)vocab)
                    throw new ArgumentException($"Token id {ids[i]} of row {b} is outside the vocabulary [0, {vocab}).", nameof(ids));
                row.Add(ids[i]);
            }
            if (_caches[b].Length + row.Count > Capacity)
                throw new ArgumentException($"Row {b} would hold {_caches[b].Length + row.Count} tokens, more than the session's capacity {Capacity}.", nameof(ids));
            if (row.Count == 0 && _lastLogits[b] is null)
                throw new ArgumentException($"Row {b} has no kept token yet, so it has no next-token logits.", nameof(keep));
            kept[b] = [.. row];
        }
        var result = new float[rows * vocab];
        for (int b = 0; b < rows; b++)
        {
            if (kept[b].Length > 0)
                using (TensorMemory.BeginScope()) _lastLogits[b] = _model.ForwardCached(kept[b], _caches[b]);
            _lastLogits[b]!.CopyTo(result, b * vocab);
        }
        return result;
    }

    public void Dispose()
    {
    }
}
