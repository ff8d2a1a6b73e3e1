using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Row lookup: <c>out[i, :] = weight[ids[i], :]</c>, with <paramref name="weight"/> <c>[V, D]</c>; the result has
    /// shape <c>[..idsShape, D]</c> where <paramref name="idsShape"/> describes <paramref name="ids"/>.
    /// </summary>
    /// <remarks>Backward scatters rows: <c>dW[ids[i], :] += dOut[i, :]</c>, in index order (deterministic).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside <c>[0, V)</c>; the message names the id and its index.</exception>
    public static Tensor Embedding(Tensor weight, ReadOnlySpan<int> ids, params int[] idsShape)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: weight must be [V, D], got {Tensor.FormatShape(weight.Shape)}.", nameof(weight));
        if (Tensor.ShapeSize(idsShape) != ids.Length)
            throw new ArgumentException($"Embedding: ids shape {Tensor.FormatShape(idsShape)} does not hold {ids.Length} ids.", nameof(idsShape));
        weight = weight.Contiguous();
        int vocab = weight.Size(0), dim = weight.Size(1);
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"Token id {ids[i]} at index {i} is outside the vocabulary [0, {vocab}).");
        var shape = new int[idsShape.Length + 1];
        idsShape.CopyTo(shape, 0);
        shape[^1] = dim;
        var output = Tensor.Zeros(shape);
        var table = weight.AsSpan();
        var o = output.AsSpan();
        for (int i = 0; i < ids.Length; i++) table.Slice(ids[i] * dim, dim).CopyTo(o.Slice(i * dim, dim));
        int[] saved = ids.ToArray();
        return Tape.Record(output, "Embedding", [weight], grad =>
        {
            var dw = Tape.GradSpan(weight);
            var g = grad.AsSpan();
            for (int i = 0; i < saved.Length; i++) TensorMath.AddInto(dw.Slice(saved[i] * dim, dim), g.Slice(i * dim, dim));
        });
    }
}
