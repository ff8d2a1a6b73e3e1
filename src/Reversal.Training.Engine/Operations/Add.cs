using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>Element-wise sum <c>a + b</c> of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor Add(Tensor a, Tensor b)
    {
        RequireSameShape(a, b, "Add");
        a = a.Contiguous(); b = b.Contiguous();
        var output = Tensor.Uninitialized(a.ShapeArray); // the sum writes every element
        TensorMath.Add(a, b, output);
        return Tape.Record(output, "Add", [a, b], grad =>
        {
            if (a.RequiresGrad) Tape.AccumulateGrad(a, grad);
            if (b.RequiresGrad) Tape.AccumulateGrad(b, grad);
        });
    }

    internal static void RequireSameShape(Tensor a, Tensor b, string operation)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.SameShape(b))
            throw new ArgumentException($"{operation}: shapes {Tensor.FormatShape(a.Shape)} and {Tensor.FormatShape(b.Shape)} differ.");
    }
}
