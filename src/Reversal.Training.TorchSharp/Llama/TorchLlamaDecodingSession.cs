using Reversal.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>
/// Incremental decoding of a batch of rows with one KV cache on the model's device: each append runs every row's new
/// tokens through the model together; padding entries (keep = false) are neither written to the cache nor given a
/// position, so ragged rows decode as they would alone. See <see cref="IDecodingSession"/>.
/// </summary>
internal sealed class TorchLlamaDecodingSession : IDecodingSession
{
    private readonly TorchLlama _model;
    private readonly TorchKvCache _cache;
    private readonly int[] _lengths;
    private readonly float[]?[] _lastLogits;

    public TorchLlamaDecodingSession(TorchLlama model, int batchSize, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (capacity < 1 || capacity > model.ContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The capacity must be in [1, {model.ContextLength}] (the model's context).");
        _model = model;
        _cache = new TorchKvCache(model.Config, batchSize, capacity, model.Device);
        _lengths = new int[batchSize];
        _lastLogits = new float[]?[batchSize];
        Capacity = capacity;
    }

    public int BatchSize => _lengths.Length;

    public int Capacity { get; }

    public int Length(int row) => _lengths[row];

    public float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep = default)
    {
        int rows = BatchSize, vocab = _model.VocabSize;
        if (ids.IsEmpty || ids.Length % rows != 0)
            throw new ArgumentException($"{ids.Length} ids do not form [{rows}, n] new columns.", nameof(ids));
        if (!keep.IsEmpty && keep.Length != ids.Length)
            throw new ArgumentException($"The keep mask has {keep.Length} entries for {ids.Length} ids.", nameof(keep));
        int columns = ids.Length / rows;
        var positions = new long[ids.Length];
        var inputIds = new long[ids.Length];
        var lastKept = new int[rows];
        var newLengths = (int[])_lengths.Clone();
        var kept = new bool[ids.Length];
        bool anyKept = false;
        for (int b = 0; b < rows; b++)
        {
            lastKept[b] = -1;
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                if ((uint)ids[i] >= (uint)vocab)
                    throw new ArgumentException($"Token id {ids[i]} of row {b} is outside the vocabulary [0, {vocab}).", nameof(ids));
                inputIds[i] = ids[i];
                if (!keep.IsEmpty && !keep[i]) continue;
                kept[i] = anyKept = true;
                positions[i] = newLengths[b];
                newLengths[b]++;
                lastKept[b] = c;
            }
            if (newLengths[b] > Capacity)
                throw new ArgumentException($"Row {b} would hold {newLengths[b]} tokens, more than the session's capacity {Capacity}.", nameof(ids));
            if (lastKept[b] < 0 && _lastLogits[b] is null)
                throw new ArgumentException($"Row {b} has no kept token yet, so it has no next-token logits.", nameof(keep));
        }
        float[] fresh = [];
        var live = Enumerable.Range(0, rows).Where(b => lastKept[b] >= 0).ToArray();
        if (anyKept)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = _model.Device;
            var hidden = _model.HiddenCached(_cache, rows, columns, inputIds, positions, kept);
            var rowIndex = torch.tensor(live.Select(b => (long)b).ToArray(), device: device);
            var columnIndex = torch.tensor(live.Select(b => (long)lastKept[b]).ToArray(), device: device);
            var last = hidden.index(TensorIndex.Tensor(rowIndex), TensorIndex.Tensor(columnIndex));
            fresh = nn.functional.linear(last, _model.HeadWeight).cpu().data<float>().ToArray();
        }
        for (int k = 0; k < live.Length; k++) _lastLogits[live[k]] = fresh.AsSpan(k * vocab, vocab).ToArray();
        Array.Copy(newLengths, _lengths, rows);
        var result = new float[rows * vocab];
        for (int b = 0; b < rows; b++) _lastLogits[b]!.CopyTo(result, b * vocab);
        return result;
    }

    public void Dispose() => _cache.Dispose();
}
