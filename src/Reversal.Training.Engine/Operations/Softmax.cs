using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Softmax over the last dimension, computed stably as <c>exp(x − max) / Σ exp(x − max)</c>.
    /// Backward: <c>dx = y · (dy − Σ dy · y)</c>.
    /// </summary>
    public static Tensor Softmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = x.Contiguous();
        int dim = x.Size(-1), rows = LeadingRows(x);
        var output = Tensor.Zeros(x.ShapeArray);
        float[] xb = x.Buffer, yb = output.Buffer; int xo = x.Offset;
        Compute.For(rows, r =>
        {
            var xr = xb.AsSpan(xo + r * dim, dim);
            RowSoftmax.ExpShifted(xr, RowSoftmax.LogSumExp(xr), yb.AsSpan(r * dim, dim));
        });
        return Tape.Record(output, "Softmax", [x], grad =>
        {
            float[] gb = grad.Buffer, dxb = Tape.GradTensor(x).Buffer;
            Compute.For(rows, r =>
            {
                var y = yb.AsSpan(r * dim, dim); var g = gb.AsSpan(r * dim, dim); var dx = dxb.AsSpan(r * dim, dim);
                float dot = TensorPrimitives.Dot(g, y);
                for (int i = 0; i < dim; i++) dx[i] += y[i] * (g[i] - dot);
            });
        });
    }

    /// <summary>
    /// Log-softmax over the last dimension: <c>x − logΣexp(x)</c> (stable). Backward: <c>dx = dy − softmax(x) · Σ dy</c>.
    /// </summary>
    public static Tensor LogSoftmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = x.Contiguous();
        int dim = x.Size(-1), rows = LeadingRows(x);
        var output = Tensor.Zeros(x.ShapeArray);
        float[] xb = x.Buffer, yb = output.Buffer; int xo = x.Offset;
        Compute.For(rows, r =>
        {
            RowSoftmax.LogSoftmax(xb.AsSpan(xo + r * dim, dim), yb.AsSpan(r * dim, dim));
        });
        return Tape.Record(output, "LogSoftmax", [x], grad =>
        {
            float[] gb = grad.Buffer, dxb = Tape.GradTensor(x).Buffer;
            Compute.For(rows, r =>
            {
                var y = yb.AsSpan(r * dim, dim); var g = gb.AsSpan(r * dim, dim); var dx = dxb.AsSpan(r * dim, dim);
                float sum = TensorPrimitives.Sum(g);
                for (int i = 0; i < dim; i++) dx[i] += g[i] - MathF.Exp(y[i]) * sum;
            });
        });
    }
}
