using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Affine map without bias: <c>y = x · Wᵀ</c>, with <paramref name="x"/> <c>[..., in]</c> and
    /// <paramref name="weight"/> <c>[out, in]</c> (the PyTorch / Hugging Face layout); returns <c>[..., out]</c>.
    /// </summary>
    /// <remarks>Backward: <c>dx += dy · W</c>, <c>dW += dyᵀ · x</c> (x flattened to rows); both are single SGEMM calls.</remarks>
    /// <exception cref="ArgumentException">The last dimension of <paramref name="x"/> is not <c>in</c>, or <paramref name="weight"/> is not 2-D.</exception>
    public static Tensor Linear(Tensor x, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"Linear: weight must be [out, in], got {Tensor.FormatShape(weight.Shape)}.", nameof(weight));
        if (x.Rank < 1 || x.Size(-1) != weight.Size(1))
            throw new ArgumentException($"Linear: input {Tensor.FormatShape(x.Shape)} does not end in the weight's input size {weight.Size(1)} (weight {Tensor.FormatShape(weight.Shape)}).", nameof(x));
        x = x.Contiguous(); weight = weight.Contiguous();
        int inFeatures = weight.Size(1), outFeatures = weight.Size(0), rows = LeadingRows(x);
        var shape = (int[])x.ShapeArray.Clone();
        shape[^1] = outFeatures;
        var output = Tensor.Uninitialized(shape); // the product overwrites every element
        Sgemm.Multiply(false, true, rows, outFeatures, inFeatures, x.AsSpan(), inFeatures, weight.AsSpan(), inFeatures, output.AsSpan(), outFeatures);
        return Tape.Record(output, "Linear", [x, weight], grad =>
        {
            if (x.RequiresGrad)
            {
                // The first contribution to x's gradient overwrites a fresh buffer (no zero fill, no read of C).
                var dx = Tape.GradTensorToWrite(x, out bool created);
                Sgemm.Multiply(false, false, rows, inFeatures, outFeatures, grad.AsSpan(), outFeatures, weight.AsSpan(), inFeatures, dx.AsSpan(), inFeatures, accumulate: !created);
            }
            if (weight.RequiresGrad)
                Sgemm.Multiply(true, false, outFeatures, inFeatures, rows, grad.AsSpan(), outFeatures, x.AsSpan(), inFeatures, Tape.GradSpan(weight), inFeatures, accumulate: true);
        });
    }

    /// <summary>The product of all dimensions but the last: the number of feature rows.</summary>
    internal static int LeadingRows(Tensor x)
    {
        int rows = 1;
        for (int d = 0; d < x.Rank - 1; d++) rows *= x.ShapeArray[d];
        return rows;
    }
}
