using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Root-mean-square normalisation over the last dimension (Llama):
    /// <c>y = x · r · w</c> with <c>r = 1 / sqrt(mean(x²) + eps)</c>; <paramref name="x"/> <c>[..., D]</c>,
    /// <paramref name="weight"/> <c>[D]</c>.
    /// </summary>
    /// <remarks>
    /// Backward per row, with <c>g = dy · w</c>: <c>dx = r · g − x · r³ · mean(g · x)</c>, <c>dw += dy · x · r</c>.
    /// Only the per-row <c>r</c> is kept for backward.
    /// </remarks>
    public static Tensor RmsNorm(Tensor x, Tensor weight, float eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 1 || x.Rank < 1 || x.Size(-1) != weight.Size(0))
            throw new ArgumentException($"RmsNorm: input {Tensor.FormatShape(x.Shape)} and weight {Tensor.FormatShape(weight.Shape)} disagree (weight must be [D] with D the last input dimension).");
        x = x.Contiguous(); weight = weight.Contiguous();
        int dim = weight.Size(0), rows = LeadingRows(x);
        var output = Tensor.Zeros(x.ShapeArray);
        var inverseRms = new float[rows];
        float[] xb = x.Buffer, wb = weight.Buffer, ob = output.Buffer;
        int xo = x.Offset, wo = weight.Offset;
        Compute.For(rows, r =>
        {
            var xr = xb.AsSpan(xo + r * dim, dim);
            float inv = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(xr) / dim + eps);
            inverseRms[r] = inv;
            var yr = ob.AsSpan(r * dim, dim);
            TensorPrimitives.Multiply(xr, wb.AsSpan(wo, dim), yr);
            TensorPrimitives.Multiply(yr, inv, yr);
        });
        return Tape.Record(output, "RmsNorm", [x, weight], grad =>
        {
            float[] gb = grad.Buffer;
            if (x.RequiresGrad)
            {
                float[] dxb = Tape.GradTensor(x).Buffer;
                Compute.For(rows, r =>
                {
                    var xr = xb.AsSpan(xo + r * dim, dim);
                    var gr = gb.AsSpan(r * dim, dim);
                    var dxr = dxb.AsSpan(r * dim, dim);
                    var w = wb.AsSpan(wo, dim);
                    float inv = inverseRms[r];
                    // mean(g · x) with g = dy · w
                    float dot = 0f;
                    for (int i = 0; i < dim; i++) dot += gr[i] * w[i] * xr[i];
                    float coeff = inv * inv * inv * dot / dim;
                    for (int i = 0; i < dim; i++) dxr[i] += inv * gr[i] * w[i] - coeff * xr[i];
                });
            }
            if (weight.RequiresGrad)
            {
                var dw = Tape.GradSpan(weight);
                for (int r = 0; r < rows; r++)
                {
                    var xr = xb.AsSpan(xo + r * dim, dim);
                    var gr = gb.AsSpan(r * dim, dim);
                    float inv = inverseRms[r];
                    for (int i = 0; i < dim; i++) dw[i] += gr[i] * xr[i] * inv;
                }
            }
        });
    }
}
