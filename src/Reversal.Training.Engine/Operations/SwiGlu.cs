using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>SiLU (swish): <c>y = x · σ(x)</c>, element-wise. Backward: <c>dx = dy · σ(x) · (1 + x · (1 − σ(x)))</c>.</summary>
    public static Tensor Silu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = x.Contiguous();
        var output = Tensor.Zeros(x.ShapeArray);
        var y = output.AsSpan();
        TensorPrimitives.Sigmoid(x.AsSpan(), y);
        TensorPrimitives.Multiply(y, x.AsSpan(), y);
        return Tape.Record(output, "Silu", [x], grad =>
        {
            var xs = x.AsSpan(); var g = grad.AsSpan(); var dx = Tape.GradSpan(x);
            for (int i = 0; i < xs.Length; i++)
            {
                float s = 1f / (1f + MathF.Exp(-xs[i]));
                dx[i] += g[i] * s * (1f + xs[i] * (1f - s));
            }
        });
    }

    /// <summary>
    /// The fused SwiGLU gate of the Llama MLP: <c>y = silu(gate) · up</c>, element-wise over equal shapes.
    /// </summary>
    /// <remarks>Backward: <c>dgate = dy · up · σ(g)(1 + g − silu(g))</c> (that is <c>σ(g)(1 + g(1 − σ(g)))</c>),
    /// <c>dup = dy · silu(g)</c>; nothing but the inputs is kept. Both directions run vectorised over blocks of
    /// elements in parallel.</remarks>
    public static Tensor SwiGlu(Tensor gate, Tensor up)
    {
        RequireSameShape(gate, up, "SwiGlu");
        gate = gate.Contiguous(); up = up.Contiguous();
        var output = Tensor.Uninitialized(gate.ShapeArray); // every element is written below
        float[] gateValues = gate.Buffer, upValues = up.Buffer, outValues = output.Buffer;
        int gateStart = gate.Offset, upStart = up.Offset, count = gate.Count;
        ElementBlocks.For(count, (start, length) =>
        {
            var g = gateValues.AsSpan(gateStart + start, length);
            var y = outValues.AsSpan(start, length);
            TensorPrimitives.Sigmoid(g, y);
            TensorPrimitives.Multiply(y, g, y);
            TensorPrimitives.Multiply(y, upValues.AsSpan(upStart + start, length), y);
        });
        return Tape.Record(output, "SwiGlu", [gate, up], grad =>
        {
            float[]? dGate = gate.RequiresGrad ? Tape.GradTensor(gate).Buffer : null;
            float[]? dUp = up.RequiresGrad ? Tape.GradTensor(up).Buffer : null;
            int dGateStart = dGate is null ? 0 : gate.Grad!.Offset, dUpStart = dUp is null ? 0 : up.Grad!.Offset;
            float[] dy = grad.Buffer;
            int dyStart = grad.Offset;
            float[] scratch = TensorMemory.Rent(2 * count);
            ElementBlocks.For(count, (start, length) =>
            {
                var g = gateValues.AsSpan(gateStart + start, length);
                var d = dy.AsSpan(dyStart + start, length);
                var sigmoid = scratch.AsSpan(start, length);
                var work = scratch.AsSpan(count + start, length);
                TensorPrimitives.Sigmoid(g, sigmoid);
                TensorPrimitives.Multiply(g, sigmoid, work); // silu(g)
                if (dUp is not null)
                {
                    var du = dUp.AsSpan(dUpStart + start, length);
                    TensorPrimitives.MultiplyAdd(d, work, du, du);
                }
                if (dGate is not null)
                {
                    var dg = dGate.AsSpan(dGateStart + start, length);
                    TensorPrimitives.Subtract(g, work, work); // g − silu(g) = g(1 − σ)
                    TensorPrimitives.Add(work, 1f, work);
                    TensorPrimitives.Multiply(work, sigmoid, work);
                    TensorPrimitives.Multiply(work, upValues.AsSpan(upStart + start, length), work);
                    TensorPrimitives.MultiplyAdd(d, work, dg, dg);
                }
            });
        });
    }
}
