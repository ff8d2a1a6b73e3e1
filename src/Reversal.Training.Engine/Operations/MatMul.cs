using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Matrix product over the last two dimensions: <paramref name="a"/> <c>[..., M, K]</c> times
    /// <paramref name="b"/> <c>[K, N]</c> (shared by every batch) or <c>[..., K, N]</c> (same batch dimensions);
    /// returns <c>[..., M, N]</c>.
    /// </summary>
    /// <remarks>
    /// Transposed views (from <see cref="Transpose"/>) of the last two dimensions are consumed without a copy: the
    /// SGEMM kernel reads them through its Aᵀ / Bᵀ variants. Backward: <c>dA += dC · Bᵀ</c>, <c>dB += Aᵀ · dC</c>
    /// (summed over the batch when <paramref name="b"/> is shared).
    /// </remarks>
    /// <exception cref="ArgumentException">Ranks or inner dimensions do not match.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank < 2 || b.Rank < 2)
            throw new ArgumentException($"MatMul needs operands of rank >= 2, got {Tensor.FormatShape(a.Shape)} and {Tensor.FormatShape(b.Shape)}.");
        int m = a.Size(-2), k = a.Size(-1), n = b.Size(-1);
        if (b.Size(-2) != k)
            throw new ArgumentException($"MatMul: inner dimensions differ: {Tensor.FormatShape(a.Shape)} · {Tensor.FormatShape(b.Shape)}.");
        bool sharedB = b.Rank == 2;
        if (!sharedB && (b.Rank != a.Rank || !a.ShapeArray.AsSpan(0, a.Rank - 2).SequenceEqual(b.ShapeArray.AsSpan(0, b.Rank - 2))))
            throw new ArgumentException($"MatMul: batch dimensions differ: {Tensor.FormatShape(a.Shape)} · {Tensor.FormatShape(b.Shape)}.");

        var va = MatrixView.Of(ref a);
        var vb = MatrixView.Of(ref b);
        int batch = a.Count / Math.Max(1, m * k);
        if (m * k == 0) batch = ProductOfBatchDims(a);
        var shape = (int[])a.ShapeArray.Clone();
        shape[^1] = n;
        var output = Tensor.Zeros(shape);
        var outSpan = output.AsSpan();
        for (int i = 0; i < batch; i++)
        {
            Sgemm.Multiply(va.Transposed, vb.Transposed, m, n, k,
                va.Slice(i), va.Ld, vb.Slice(sharedB ? 0 : i), vb.Ld, outSpan.Slice(i * m * n, m * n), n);
        }
        Tensor ta = a, tb = b;
        return Tape.Record(output, "MatMul", [ta, tb], grad =>
        {
            var g = grad.AsSpan();
            for (int i = 0; i < batch; i++)
            {
                var gi = g.Slice(i * m * n, m * n);
                if (ta.RequiresGrad)
                    Sgemm.Multiply(false, !vb.Transposed, m, k, n, gi, n, vb.Slice(sharedB ? 0 : i), vb.Ld,
                        Tape.GradSpan(ta).Slice(i * m * k, m * k), k, accumulate: true);
                if (tb.RequiresGrad)
                    Sgemm.Multiply(!va.Transposed, false, k, n, m, va.Slice(i), va.Ld, gi, n,
                        Tape.GradSpan(tb).Slice(sharedB ? 0 : i * k * n, k * n), n, accumulate: true);
            }
        });
    }

    private static int ProductOfBatchDims(Tensor t)
    {
        int p = 1;
        for (int d = 0; d < t.Rank - 2; d++) p *= t.ShapeArray[d];
        return p;
    }

    /// <summary>How SGEMM reads the last two dimensions of an operand: plain or transposed, with a leading dimension and a batch stride.</summary>
    private readonly struct MatrixView
    {
        private readonly float[] _buffer;
        private readonly int _offset, _batchStride, _matrixSpan;
        public readonly bool Transposed;
        public readonly int Ld;

        private MatrixView(float[] buffer, int offset, bool transposed, int ld, int batchStride, int matrixSpan)
        {
            _buffer = buffer; _offset = offset; Transposed = transposed; Ld = ld; _batchStride = batchStride; _matrixSpan = matrixSpan;
        }

        public ReadOnlySpan<float> Slice(int batchIndex) =>
            _matrixSpan == 0 ? ReadOnlySpan<float>.Empty : _buffer.AsSpan(_offset + batchIndex * _batchStride, _matrixSpan);

        /// <summary>
        /// Reads <paramref name="t"/> as a (possibly transposed) batch of matrices; when its layout is neither, replaces it
        /// with a contiguous copy (recorded on the tape) and reads that.
        /// </summary>
        public static MatrixView Of(ref Tensor t)
        {
            int r = t.Rank, rows = t.ShapeArray[r - 2], cols = t.ShapeArray[r - 1];
            var s = t.StrideArray;
            if (!t.IsContiguous && s[r - 2] == 1 && s[r - 1] == rows && BatchIsDense(t, rows * cols))
                return new MatrixView(t.Buffer, t.Offset, true, Math.Max(1, rows), rows * cols, rows == 0 || cols == 0 ? 0 : (cols - 1) * rows + rows);
            t = t.Contiguous();
            return new MatrixView(t.Buffer, t.Offset, false, Math.Max(1, cols), rows * cols, rows * cols);
        }

        private static bool BatchIsDense(Tensor t, int matrixSize)
        {
            int expected = matrixSize;
            for (int d = t.Rank - 3; d >= 0; d--)
            {
                if (t.ShapeArray[d] != 1 && t.StrideArray[d] != expected) return false;
                expected *= t.ShapeArray[d];
            }
            return true;
        }
    }
}
