using Reversal.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>
/// Incremental decoding of a batch of rows with one KV cache on the model's device: each call runs every row's new
/// tokens through the model together; padding entries (keep = false) are neither written to the cache nor given a
/// position, so ragged rows decode as they would alone. See <see cref="IDecodingSession"/>; as an
/// <see cref="IPrefixDecodingSession"/> it also decodes after a bidirectional prefix (GLM infilling), keeping the
/// keys' mirrored rotation in the cache.
/// </summary>
internal sealed class TorchLlamaDecodingSession : IPrefixDecodingSession
{
    private readonly TorchLlama _model;
    private readonly TorchKvCache _cache;
    private readonly int[] _lengths;
    private readonly float[]?[] _lastLogits;
    private int[]? _prefixLengths;

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

    public float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep = default) => Feed(Pack(ids, keep, default));

    public float[] Append(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions)
    {
        DecodingChecks.PositionCount(positions.Length, ids.Length);
        return Feed(Pack(ids, keep, positions));
    }

    public float[] Prefill(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions, IReadOnlyList<int> prefixLengths)
    {
        DecodingChecks.Prefill(_lengths, prefixLengths);
        DecodingChecks.PositionCount(positions.Length, ids.Length);
        var packed = Pack(ids, keep, positions);
        DecodingChecks.PrefixLengths(prefixLengths, [.. Enumerable.Range(0, BatchSize).Select(b => packed.NewLengths[b] - _lengths[b])]);
        _cache.KeepMirroredKeys();
        _prefixLengths = [.. prefixLengths];
        return Feed(packed);
    }

    /// <summary>
    /// One call's new columns <c>[B, n]</c> as the model takes them: ids (padding as 0), position ids, cache slots and
    /// keep flags per entry; each row's length after the call and its last kept column (−1: none).
    /// </summary>
    private sealed record Columns(int Count, long[] Ids, long[] Positions, long[] Slots, bool[] Kept, int[] NewLengths, int[] LastKept)
    {
        public bool AnyKept => LastKept.Any(c => c >= 0);
    }

    private Columns Pack(ReadOnlySpan<int> ids, ReadOnlySpan<bool> keep, ReadOnlySpan<int> positions)
    {
        int rows = BatchSize, columns = DecodingChecks.Columns(ids.Length, keep.Length, rows);
        var packed = new Columns(columns, new long[ids.Length], new long[ids.Length], new long[ids.Length], new bool[ids.Length], (int[])_lengths.Clone(), new int[rows]);
        for (int b = 0; b < rows; b++)
        {
            packed.LastKept[b] = -1;
            for (int c = 0; c < columns; c++)
            {
                int i = b * columns + c;
                if (!keep.IsEmpty && !keep[i]) continue;
                int slot = packed.NewLengths[b]++;
                DecodingChecks.Entry(ids[i], positions.IsEmpty ? null : positions[i], b, _model.VocabSize, _model.ContextLength);
                packed.Ids[i] = ids[i];
                packed.Positions[i] = positions.IsEmpty ? slot : positions[i];
                packed.Slots[i] = slot;
                packed.Kept[i] = true;
                packed.LastKept[b] = c;
            }
            DecodingChecks.Row(b, packed.NewLengths[b], Capacity, packed.LastKept[b] >= 0 || _lastLogits[b] is not null);
        }
        return packed;
    }

    private float[] Feed(Columns packed)
    {
        int rows = BatchSize, vocab = _model.VocabSize;
        var live = Enumerable.Range(0, rows).Where(b => packed.LastKept[b] >= 0).ToArray();
        if (packed.AnyKept)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = _model.Device;
            var hidden = _model.HiddenCached(_cache, rows, packed.Count, packed.Ids, packed.Positions, packed.Slots, packed.Kept, _prefixLengths);
            var rowIndex = torch.tensor(live.Select(b => (long)b).ToArray(), device: device);
            var columnIndex = torch.tensor(live.Select(b => (long)packed.LastKept[b]).ToArray(), device: device);
            var last = hidden.index(TensorIndex.Tensor(rowIndex), TensorIndex.Tensor(columnIndex));
            float[] fresh = nn.functional.linear(last, _model.HeadWeight).cpu().data<float>().ToArray();
            for (int k = 0; k < live.Length; k++) _lastLogits[live[k]] = fresh.AsSpan(k * vocab, vocab).ToArray();
        }
        Array.Copy(packed.NewLengths, _lengths, rows);
        var result = new float[rows * vocab];
        for (int b = 0; b < rows; b++) _lastLogits[b]!.CopyTo(result, b * vocab);
        return result;
    }

    public void Dispose() => _cache.Dispose();
}
