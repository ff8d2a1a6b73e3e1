using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// A view of <paramref name="x"/> with shape <paramref name="shape"/> (same elements in row-major order; one
    /// dimension may be -1 and is inferred). Shares storage when <paramref name="x"/> is contiguous.
    /// </summary>
    /// <exception cref="ArgumentException">The new shape does not hold the same number of elements.</exception>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        var resolved = ResolveShape(x, shape);
        var source = x.Contiguous();
        var output = new Tensor(source.Buffer, source.Offset, resolved);
        return Tape.Record(output, "Reshape", [source], grad =>
            Tape.AccumulateGrad(source, grad));
    }

    private static int[] ResolveShape(Tensor x, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape to {Tensor.FormatShape(shape)}: only one dimension may be -1.", nameof(shape));
                infer = i;
            }
            else if (resolved[i] < 0) throw new ArgumentException($"Reshape to {Tensor.FormatShape(shape)}: negative dimension.", nameof(shape));
            else known *= resolved[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || x.Count % known != 0)
                throw new ArgumentException($"Cannot reshape {Tensor.FormatShape(x.Shape)} ({x.Count} elements) to {Tensor.FormatShape(shape)}.", nameof(shape));
            resolved[infer] = (int)(x.Count / known);
            known *= resolved[infer];
        }
        if (known != x.Count)
            throw new ArgumentException($"Cannot reshape {Tensor.FormatShape(x.Shape)} ({x.Count} elements) to {Tensor.FormatShape(shape)} ({known} elements).", nameof(shape));
        return resolved;
    }

    /// <summary>A view of <paramref name="x"/> with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped (no copy).</summary>
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = x.NormalizeDim(dim0), b = x.NormalizeDim(dim1);
        var shape = (int[])x.ShapeArray.Clone();
        var strides = (int[])x.StrideArray.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        var output = new Tensor(x.Buffer, x.Offset, shape, strides);
        return Tape.Record(output, "Transpose", [x], grad =>
        {
            // d(x) = transpose(d(out)) : read grad through the inverse view and add in row-major order.
            var back = new Tensor(grad.Buffer, grad.Offset, grad.ShapeArray).TransposeView(a, b);
            var scratch = TensorMemory.Rent(back.Count).AsSpan(0, back.Count);
            back.CopyTo(scratch);
            Tape.AccumulateGrad(x, scratch);
        });
    }

    /// <summary>A contiguous copy of <paramref name="x"/> (gradient passes through unchanged).</summary>
    public static Tensor Contiguous(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var output = Tensor.Zeros(x.ShapeArray);
        x.CopyTo(output.AsSpan());
        // Gradients are always stored contiguous in logical (row-major) order, so they pass straight through.
        return Tape.Record(output, "Contiguous", [x], grad => Tape.AccumulateGrad(x, grad));
    }
}
