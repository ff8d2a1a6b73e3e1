using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.NN;

/// <summary>
/// Weights of linear layers packed once into SGEMM's panel layout, for inference that multiplies rows by the same fixed
/// weights again and again (a decoding session, continuation scoring). Without it every product copies the whole weight
/// into panels again: 45% of a Small batch-32 decoding step; and for one-row steps, where SGEMM's few-row path
/// transposes each weight into 32-column panels per call, 48% of a Small batch-1 decoding run.
/// </summary>
/// <remarks>
/// <para>A weight is packed on its first such product and kept until <see cref="Dispose"/>; products are bit-identical
/// to <see cref="Functional.Linear"/> (SGEMM's packed and unpacked paths compute the same fused chains).</para>
/// <para>The packs are a snapshot: a weight changed afterwards (an optimizer step) is not seen, just as the keys and
/// values a KV cache holds were computed with the old weights. A product that would be recorded for backward (grad
/// enabled and an input requiring grad) is never served from a pack. Not thread-safe: one owner at a time.</para>
/// <para>Memory: one packed copy of each weight used, about the size of the weights.</para>
/// </remarks>
internal sealed class PackedWeights : IDisposable
{
    private readonly Dictionary<Tensor, PackedB> _packs = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// <c>y = x · Wᵀ</c> for <paramref name="x"/> <c>[..., in]</c> and <paramref name="weight"/> <c>[out, in]</c>, as
    /// <see cref="Functional.Linear"/> computes it, from the packed weight (packed on its first use): products of up to four
    /// rows read the packed panels in place instead of transposing the weight on every call, more rows run the packed
    /// micro-kernel.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit (as <see cref="Functional.Linear"/>).</exception>
    public Tensor Linear(Tensor x, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        int rows = Functional.LeadingRows(x);
        if (Tape.ShouldRecord(x, weight) || weight.Rank != 2 || x.Rank < 1 || x.Size(-1) != weight.Size(1))
            return Functional.Linear(x, weight); // a recorded product, or a shape error to report
        x = x.Contiguous();
        int inFeatures = weight.Size(1), outFeatures = weight.Size(0);
        var shape = (int[])x.ShapeArray.Clone();
        shape[^1] = outFeatures;
        var output = Tensor.Uninitialized(shape); // the product overwrites every element
        Sgemm.MultiplyPacked(false, rows, outFeatures, inFeatures, x.AsSpan(), inFeatures, Packed(weight), output.AsSpan(), outFeatures);
        return output;
    }

    /// <summary>Weights packed so far.</summary>
    public int Count => _packs.Count;

    private PackedB Packed(Tensor weight)
    {
        if (_packs.TryGetValue(weight, out var packed))
        {
            if (packed.Kernel == Sgemm.Kernel) return packed;
            packed.Dispose(); // packed for another micro-kernel (a test or benchmark switched it)
        }
        var w = weight.Contiguous();
        packed = Sgemm.PackB(true, w.Size(1), w.Size(0), w.AsSpan(), w.Size(1));
        _packs[weight] = packed;
        return packed;
    }

    /// <summary>Frees every pack.</summary>
    public void Dispose()
    {
        foreach (var packed in _packs.Values) packed.Dispose();
        _packs.Clear();
    }
}
