using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Reversal.Training.Engine.Autograd;
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
    /// <remarks>Backward: <c>dgate = dy · up · σ(g)(1 + g(1 − σ(g)))</c>, <c>dup = dy · silu(g)</c>; nothing but the inputs is kept.</remarks>
    public static Tensor SwiGlu(Tensor gate, Tensor up)
    {
        RequireSameShape(gate, up, "SwiGlu");
        gate = gate.Contiguous(); up = up.Contiguous();
        var output = Tensor.Zeros(gate.ShapeArray);
        var y = output.AsSpan();
        TensorPrimitives.Sigmoid(gate.AsSpan(), y);
        TensorPrimitives.Multiply(y, gate.AsSpan(), y);
        TensorPrimitives.Multiply(y, up.AsSpan(), y);
        return Tape.Record(output, "SwiGlu", [gate, up], grad =>
        {
            var gs = gate.AsSpan(); var us = up.AsSpan(); var dy = grad.AsSpan();
            var dGate = gate.RequiresGrad ? Tape.GradSpan(gate) : Span<float>.Empty;
            var dUp = up.RequiresGrad ? Tape.GradSpan(up) : Span<float>.Empty;
            for (int i = 0; i < gs.Length; i++)
            {
                float s = 1f / (1f + MathF.Exp(-gs[i]));
                float silu = gs[i] * s;
                if (!dGate.IsEmpty) dGate[i] += dy[i] * us[i] * s * (1f + gs[i] * (1f - s));
                if (!dUp.IsEmpty) dUp[i] += dy[i] * silu;
            }
        });
    }
}
