using Reversal.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>
/// The KV cache of a batch of rows on the model's device: per layer, rotated keys and values
/// <c>[B, Hkv, capacity, d]</c>, and, once <see cref="KeepMirroredKeys"/> is called, the keys' sine-negated rotation
/// too. Slot s of row b holds that row's s-th kept token (padding is never written); <see cref="SlotPositions"/> holds
/// each written slot's position id on the host.
/// </summary>
internal sealed class TorchKvCache : IDisposable
{
    private readonly LlamaConfig _config;
    private readonly Device _device;

    public TorchKvCache(LlamaConfig config, long batchSize, long capacity, Device device)
    {
        _config = config;
        _device = device;
        Capacity = (int)capacity;
        SlotPositions = new long[batchSize * capacity];
        Layers = new Layer[config.NumHiddenLayers];
        for (int i = 0; i < Layers.Length; i++) Layers[i] = new Layer(NewSlots(batchSize), NewSlots(batchSize));
    }

    public Layer[] Layers { get; }

    /// <summary>Slots per row.</summary>
    public int Capacity { get; }

    /// <summary>Position id of slot s of row b at <c>b·Capacity + s</c> (meaningful for written slots only).</summary>
    public long[] SlotPositions { get; }

    /// <summary>Whether the layers keep the mirrored keys (after <see cref="KeepMirroredKeys"/>).</summary>
    public bool KeepsMirroredKeys { get; private set; }

    /// <summary>From now on, every layer also keeps its keys rotated with the sine negated (for prefix-bidirectional decoding).</summary>
    public void KeepMirroredKeys()
    {
        if (KeepsMirroredKeys) return;
        foreach (var layer in Layers) layer.KeysMirrored = NewSlots(SlotPositions.Length / Capacity);
        KeepsMirroredKeys = true;
    }

    private Tensor NewSlots(long rows) => zeros(rows, _config.KeyValueHeads, Capacity, _config.HeadDim, ScalarType.Float32, _device);

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
    }

    /// <summary>Where the kept entries of one append go: entry i is row <c>Rows[i]</c>, column <c>Columns[i]</c> of the new tokens, written to slot <c>Slots[i]</c>.</summary>
    public sealed record Writes(Tensor Rows, Tensor Columns, Tensor Slots) : IDisposable
    {
        public void Dispose()
        {
            Rows.Dispose(); Columns.Dispose(); Slots.Dispose();
        }
    }

    /// <summary>
    /// Which cached slots each new query attends to: <c>Visible</c> <c>[B, 1, n, capacity]</c>; when the cache keeps
    /// mirrored keys, <c>Mirrored</c> (same shape) marks the visible slots scored with the sine-negated rotation (a key
    /// whose position id is after the query's).
    /// </summary>
    public sealed record Attend(Tensor Visible, Tensor? Mirrored);

    /// <summary>One layer's keys and values.</summary>
    public sealed class Layer(Tensor keys, Tensor values) : IDisposable
    {
        public Tensor Keys { get; } = keys;
        public Tensor Values { get; } = values;

        /// <summary>The keys rotated with the sine negated, when the cache keeps them.</summary>
        public Tensor? KeysMirrored { get; internal set; }

        /// <summary>Writes the kept new keys and values (<c>[B, Hkv, n, d]</c>) into their slots, and the mirrored keys when kept.</summary>
        public void Write(Tensor newKeys, Tensor newValues, Tensor? newKeysMirrored, Writes writes)
        {
            using var scope = NewDisposeScope();
            var rows = TensorIndex.Tensor(writes.Rows);
            var columns = TensorIndex.Tensor(writes.Columns);
            var slots = TensorIndex.Tensor(writes.Slots);
            Keys.index_put_(newKeys.index(rows, TensorIndex.Colon, columns), rows, TensorIndex.Colon, slots);
            Values.index_put_(newValues.index(rows, TensorIndex.Colon, columns), rows, TensorIndex.Colon, slots);
            if (KeysMirrored is not null && newKeysMirrored is not null)
                KeysMirrored.index_put_(newKeysMirrored.index(rows, TensorIndex.Colon, columns), rows, TensorIndex.Colon, slots);
        }

        public void Dispose()
        {
            Keys.Dispose();
            Values.Dispose();
            KeysMirrored?.Dispose();
        }
    }
}
