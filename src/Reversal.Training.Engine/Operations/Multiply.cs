using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>Element-wise product <c>a * b</c> of two tensors of the same shape.</summary>
    /// <remarks>Backward: d(a) += d(out) * b, d(b) += d(out) * a.</remarks>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        RequireSameShape(a, b, "Multiply");
        a = a.Contiguous(); b = b.Contiguous();
        var output = Tensor.Zeros(a.ShapeArray);
        TensorPrimitives.Multiply(a.AsSpan(), b.AsSpan(), output.AsSpan());
        return Tape.Record(output, "Multiply", [a, b], grad =>
        {
            if (a.RequiresGrad) TensorPrimitives.MultiplyAdd(grad.AsSpan(), b.AsSpan(), Tape.GradSpan(a), Tape.GradSpan(a));
            if (b.RequiresGrad) TensorPrimitives.MultiplyAdd(grad.AsSpan(), a.AsSpan(), Tape.GradSpan(b), Tape.GradSpan(b));
        });
    }

    /// <summary>Multiplies every element by the constant <paramref name="scale"/>.</summary>
    public static Tensor Scale(Tensor x, float scale)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = x.Contiguous();
        var output = Tensor.Zeros(x.ShapeArray);
        TensorPrimitives.Multiply(x.AsSpan(), scale, output.AsSpan());
        return Tape.Record(output, "Scale", [x], grad => TensorMath.AddScaledInto(Tape.GradSpan(x), grad.AsSpan(), scale));
    }
}
