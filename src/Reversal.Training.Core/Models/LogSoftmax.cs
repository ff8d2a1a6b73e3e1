using System.Buffers;
using System.Numerics.Tensors;

namespace Reversal.Training.Models;

/// <summary>Numerically stable log-softmax of single entries of a logit row.</summary>
public static class LogSoftmax
{
    /// <summary>
    /// <c>log softmax(row)[index]</c> computed as <c>row[index] − max − log Σ exp(row − max)</c>: the exponentials in
    /// float (vectorised, each within about one float ulp), their sum and the rest in double.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the row.</exception>
    public static double At(ReadOnlySpan<float> row, int index)
    {
        if ((uint)index >= (uint)row.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"The row has {row.Length} entries.");
        return row[index] - LogNormalizer(row);
    }

    /// <summary>
    /// <c>max + log Σ exp(row − max)</c> (the log of the softmax denominator), so that
    /// <c>log softmax(row)[i] = row[i] − LogNormalizer(row)</c>; see <see cref="At"/> for the precision.
    /// </summary>
    /// <returns>The log-normalizer; NaN when the row holds NaN or its largest entry is infinite.</returns>
    /// <exception cref="ArgumentException">The row is empty.</exception>
    public static double LogNormalizer(ReadOnlySpan<float> row)
    {
        if (row.IsEmpty) throw new ArgumentException("The logit row is empty.", nameof(row));
        float max = TensorPrimitives.Max(row);
        if (!float.IsFinite(max)) return double.NaN;
        return max + Math.Log(SumExp(row, max));
    }

    /// <summary>
    /// <c>Σ exp(row[i] − shift)</c>: the exponentials in float (vectorised, each within about one float ulp), their sum in
    /// double, in index order. With <paramref name="shift"/> = the row's maximum every term is at most 1.
    /// </summary>
    public static double SumExp(ReadOnlySpan<float> row, float shift)
    {
        float[] rented = ArrayPool<float>.Shared.Rent(Math.Max(1, row.Length));
        try
        {
            var exps = rented.AsSpan(0, row.Length);
            TensorPrimitives.Subtract(row, shift, exps);
            TensorPrimitives.Exp(exps, exps);
            double sum = 0;
            foreach (float value in exps) sum += value;
            return sum;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
