using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
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
    /// <c>dup = dy · silu(g)</c>; nothing but the inputs is kept. Each direction is one vectorised pass over fixed
    /// blocks of elements in parallel.</remarks>
    public static Tensor SwiGlu(Tensor gate, Tensor up)
    {
        RequireSameShape(gate, up, "SwiGlu");
        gate = gate.Contiguous(); up = up.Contiguous();
        var output = Tensor.Uninitialized(gate.ShapeArray); // every element is written below
        float[] gateValues = gate.Buffer, upValues = up.Buffer, outValues = output.Buffer;
        int gateStart = gate.Offset, upStart = up.Offset, count = gate.Count;
        ElementBlocks.For(count, (start, length) =>
            SwiGluForward(gateValues.AsSpan(gateStart + start, length), upValues.AsSpan(upStart + start, length), outValues.AsSpan(start, length)));
        return Tape.Record(output, "SwiGlu", [gate, up], grad =>
        {
            // A gradient created here is written, not added to: no zero fill and no read of it.
            bool gateFresh = false, upFresh = false;
            var gateGrad = gate.RequiresGrad ? Tape.GradTensorToWrite(gate, out gateFresh) : null;
            var upGrad = up.RequiresGrad ? Tape.GradTensorToWrite(up, out upFresh) : null;
            // SwiGlu(x, x): one gradient for both; the up term writes (or adds to) it first, the gate term then adds.
            bool addToUp = !upFresh, addToGate = !gateFresh;
            if (gateGrad is not null && ReferenceEquals(gateGrad, upGrad)) (addToUp, addToGate) = (!gateFresh, true);
            float[]? dGate = gateGrad?.Buffer, dUp = upGrad?.Buffer;
            int dGateStart = gateGrad?.Offset ?? 0, dUpStart = upGrad?.Offset ?? 0;
            float[] dy = grad.Buffer;
            int dyStart = grad.Offset;
            ElementBlocks.For(count, (start, length) =>
                SwiGluBackward(gateValues.AsSpan(gateStart + start, length), upValues.AsSpan(upStart + start, length),
                    dy.AsSpan(dyStart + start, length),
                    dGate is null ? default : dGate.AsSpan(dGateStart + start, length), addToGate,
                    dUp is null ? default : dUp.AsSpan(dUpStart + start, length), addToUp));
        });
    }

    /// <summary>
    /// <c>y = g · σ(g) · u</c> in one vectorised pass (σ(g) = 1 / (1 + e^(−g)), the exponential by
    /// <see cref="VectorExp"/>: the same bits in every lane and in the scalar tail).
    /// </summary>
    private static void SwiGluForward(ReadOnlySpan<float> g, ReadOnlySpan<float> u, Span<float> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; i <= g.Length - 8; i += 8)
            {
                var gv = Vector256.Create(g.Slice(i, 8));
                var sigmoid = one / (one + VectorExp.Exp(-gv));
                (gv * sigmoid * Vector256.Create(u.Slice(i, 8))).CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < g.Length; i++) y[i] = g[i] * (1f / (1f + VectorExp.Exp(-g[i]))) * u[i];
    }

    /// <summary>
    /// SwiGLU's backward in one vectorised pass: <c>dup (+)= dy · silu(g)</c> and <c>dgate (+)= dy · u · σ(g)(1 + g(1 − σ(g)))</c>,
    /// added to the gradient or (for a gradient just created) written; each skipped when its span is empty.
    /// </summary>
    private static void SwiGluBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> u, ReadOnlySpan<float> dy,
        Span<float> dGate, bool addToGate, Span<float> dUp, bool addToUp)
    {
        bool gateGrad = !dGate.IsEmpty, upGrad = !dUp.IsEmpty;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            var zero = Vector256<float>.Zero;
            for (; i <= g.Length - 8; i += 8)
            {
                var gv = Vector256.Create(g.Slice(i, 8));
                var d = Vector256.Create(dy.Slice(i, 8));
                var sigmoid = one / (one + VectorExp.Exp(-gv));
                if (upGrad) ((addToUp ? Vector256.Create(dUp.Slice(i, 8)) : zero) + d * gv * sigmoid).CopyTo(dUp.Slice(i, 8));
                if (gateGrad)
                {
                    var local = sigmoid * (one + gv * (one - sigmoid));
                    ((addToGate ? Vector256.Create(dGate.Slice(i, 8)) : zero) + d * Vector256.Create(u.Slice(i, 8)) * local).CopyTo(dGate.Slice(i, 8));
                }
            }
        }
        for (; i < g.Length; i++)
        {
            float sigmoid = 1f / (1f + VectorExp.Exp(-g[i]));
            if (upGrad) dUp[i] = (addToUp ? dUp[i] : 0f) + dy[i] * g[i] * sigmoid;
            if (gateGrad) dGate[i] = (addToGate ? dGate[i] : 0f) + dy[i] * u[i] * (sigmoid * (1f + g[i] * (1f - sigmoid)));
        }
    }
}
