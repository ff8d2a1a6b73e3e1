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
        var output = Tensor.Uninitialized(x.ShapeArray); // every row is written
        var inverseRms = new float[rows];
        float[] xb = x.Buffer, wb = weight.Buffer, ob = output.Buffer;
        int xo = x.Offset, wo = weight.Offset;
        ElementBlocks.ForRows(rows, dim, (_, first, count) =>
        {
            for (int r = first; r < first + count; r++)
            {
                var xr = xb.AsSpan(xo + r * dim, dim);
                float inv = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(xr) / dim + eps);
                inverseRms[r] = inv;
                var yr = ob.AsSpan(r * dim, dim);
                TensorPrimitives.Multiply(xr, wb.AsSpan(wo, dim), yr);
                TensorPrimitives.Multiply(yr, inv, yr);
            }
        });
        return Tape.Record(output, "RmsNorm", [x, weight], grad =>
        {
            float[] gb = grad.Buffer;
            float[]? dxb = x.RequiresGrad ? Tape.GradTensor(x).Buffer : null;
            // dw: one partial sum per fixed block of rows, added in block order (the same bits on any thread count).
            int blocks = weight.RequiresGrad ? ElementBlocks.RowBlocks(rows, dim) : 0;
            float[]? partial = blocks > 0 ? TensorMemory.Rent(blocks * dim) : null;
            ElementBlocks.ForRows(rows, dim, (block, first, count) =>
            {
                var w = wb.AsSpan(wo, dim);
                var dwPartial = partial is null ? default : partial.AsSpan(block * dim, dim);
                dwPartial.Clear();
                for (int r = first; r < first + count; r++)
                    RmsNormRowBackward(xb.AsSpan(xo + r * dim, dim), gb.AsSpan(r * dim, dim), w, inverseRms[r],
                        dxb is null ? default : dxb.AsSpan(r * dim, dim), dwPartial);
            });
            if (partial is not null)
            {
                var dw = Tape.GradSpan(weight);
                for (int b = 0; b < blocks; b++) TensorPrimitives.Add(dw, partial.AsSpan(b * dim, dim), dw);
            }
        });
    }

    /// <summary>
    /// One row of RMSNorm's backward, vectorised: with <c>g = dy · w</c>, <c>dx += r · g − x · r³ · mean(g · x)</c>
    /// (skipped when <paramref name="dx"/> is empty) and <c>dwPartial += dy · x · r</c> (skipped when empty).
    /// </summary>
    private static void RmsNormRowBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> w, float inv,
        Span<float> dx, Span<float> dwPartial)
    {
        int dim = x.Length, width = System.Numerics.Vector<float>.Count, i;
        if (!dx.IsEmpty)
        {
            var lanes = System.Numerics.Vector<float>.Zero;
            for (i = 0; i <= dim - width; i += width)
                lanes += new System.Numerics.Vector<float>(dy[i..]) * new System.Numerics.Vector<float>(w[i..]) * new System.Numerics.Vector<float>(x[i..]);
            float dot = System.Numerics.Vector.Sum(lanes);
            for (; i < dim; i++) dot += dy[i] * w[i] * x[i];
            float coeff = inv * inv * inv * dot / dim;
            var vInv = new System.Numerics.Vector<float>(inv);
            var vCoeff = new System.Numerics.Vector<float>(coeff);
            for (i = 0; i <= dim - width; i += width)
            {
                var updated = new System.Numerics.Vector<float>(dx[i..])
                    + vInv * new System.Numerics.Vector<float>(dy[i..]) * new System.Numerics.Vector<float>(w[i..])
                    - vCoeff * new System.Numerics.Vector<float>(x[i..]);
                updated.CopyTo(dx[i..]);
            }
            for (; i < dim; i++) dx[i] += inv * dy[i] * w[i] - coeff * x[i];
        }
        if (!dwPartial.IsEmpty)
        {
            var vInv = new System.Numerics.Vector<float>(inv);
            for (i = 0; i <= dim - width; i += width)
            {
                var updated = new System.Numerics.Vector<float>(dwPartial[i..])
                    + new System.Numerics.Vector<float>(dy[i..]) * new System.Numerics.Vector<float>(x[i..]) * vInv;
                updated.CopyTo(dwPartial[i..]);
            }
            for (; i < dim; i++) dwPartial[i] += dy[i] * x[i] * inv;
        }
    }
}
