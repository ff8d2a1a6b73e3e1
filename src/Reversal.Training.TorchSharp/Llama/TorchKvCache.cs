using Reversal.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>
/// The KV cache of a batch of rows on the model's device: per layer, rotated keys and values
/// <c>[B, Hkv, capacity, d]</c>. Slot s of row b holds that row's token at position s (padding is never written).
/// </summary>
internal sealed class TorchKvCache : IDisposable
{
    public TorchKvCache(LlamaConfig config, long batchSize, long capacity, Device device)
    {
        Layers = new Layer[config.NumHiddenLayers];
        for (int i = 0; i < Layers.Length; i++)
            Layers[i] = new Layer(
                zeros(batchSize, config.KeyValueHeads, capacity, config.HeadDim, ScalarType.Float32, device),
                zeros(batchSize, config.KeyValueHeads, capacity, config.HeadDim, ScalarType.Float32, device));
    }

    public Layer[] Layers { get; }

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

    /// <summary>One layer's keys and values.</summary>
    public sealed class Layer(Tensor keys, Tensor values) : IDisposable
    {
        public Tensor Keys { get; } = keys;
        public Tensor Values { get; } = values;

        /// <summary>Writes the kept new keys and values (<c>[B, Hkv, n, d]</c>) into their slots.</summary>
        public void Write(Tensor newKeys, Tensor newValues, Writes writes)
        {
            using var scope = NewDisposeScope();
            var rows = TensorIndex.Tensor(writes.Rows);
            var columns = TensorIndex.Tensor(writes.Columns);
            var slots = TensorIndex.Tensor(writes.Slots);
            Keys.index_put_(newKeys.index(rows, TensorIndex.Colon, columns), rows, TensorIndex.Colon, slots);
            Values.index_put_(newValues.index(rows, TensorIndex.Colon, columns), rows, TensorIndex.Colon, slots);
        }

        public void Dispose()
        {
            Keys.Dispose();
            Values.Dispose();
        }
    }
}
