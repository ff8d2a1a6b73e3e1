using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// Numerically stable softmax helpers over one row, their exponentials by <see cref="VectorExp"/>. <see cref="TensorPrimitives.SoftMax{T}(ReadOnlySpan{T}, Span{T})"/>
/// does not subtract the maximum and overflows for logits above ~88; these do.
/// </summary>
internal static class RowSoftmax
{
    /// <summary>
    /// <c>log Σ exp(x)</c> computed as <c>max + log Σ exp(x − max)</c>, the exponentials by <see cref="VectorExp"/> and
    /// their sum in double (<c>LogSoftmax.SumInDouble</c>: long rows such as a vocabulary keep full precision); −∞ for an
    /// empty row.
    /// </summary>
    public static float LogSumExp(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) return float.NegativeInfinity;
        float max = TensorPrimitives.Max(x);
        if (float.IsNegativeInfinity(max)) return max;
        return max + (float)Math.Log(SumExpInDouble(x, max));
    }

    /// <summary>
    /// <c>y = x − logΣexp(x)</c> computed as <c>(x − max) − log Σ exp(x − max)</c>, so large logits keep full float32
    /// precision (subtracting a rounded log-sum-exp near ±1000 would lose ~3e−5).
    /// </summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = TensorPrimitives.Max(x);
        float logSum = (float)Math.Log(SumExpInDouble(x, max));
        for (int i = 0; i < x.Length; i++) y[i] = (x[i] - max) - logSum;
    }

    /// <summary>
    /// Replaces the row by its softmax (vectorised: one max, one pass of exponentials that also sums them, one scaling)
    /// and returns its log-sum-exp; a row of −∞ becomes zeros and returns −∞.
    /// </summary>
    public static float SoftmaxInPlace(Span<float> row)
    {
        if (row.IsEmpty) return float.NegativeInfinity;
        float max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max)) { row.Clear(); return max; }
        float sum = VectorExp.ExpShifted(row, max, row);
        TensorPrimitives.Multiply(row, 1f / sum, row);
        return max + MathF.Log(sum);
    }

    /// <summary><c>y = exp(x − lse)</c>, the softmax given the row's log-sum-exp.</summary>
    public static void ExpShifted(ReadOnlySpan<float> x, float lse, Span<float> y) => VectorExp.ExpShifted(x, lse, y);

    /// <summary><c>Σ exp(x − shift)</c>: the exponentials by <see cref="VectorExp"/>, their sum in double in a fixed order.</summary>
    private static double SumExpInDouble(ReadOnlySpan<float> x, float shift)
    {
        float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, x.Length));
        try
        {
            var exps = rented.AsSpan(0, x.Length);
            VectorExp.ExpShifted(x, shift, exps);
            return Reversal.Training.Models.LogSoftmax.SumInDouble(exps);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The softmax backward of one row, in place: <c>dS = ((dP − δ) ∘ P) · scale</c> with <c>δ = rowsum(dO ∘ O)</c>, each
    /// operation rounded in that order (the bits of three separate element-wise passes) in one vectorised pass.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="probabilities"/> is shorter than <paramref name="gradient"/>.</exception>
    public static void ScoreGradientInPlace(Span<float> gradient, ReadOnlySpan<float> probabilities, float delta, float scale)
    {
        if (probabilities.Length < gradient.Length)
            throw new ArgumentException($"probabilities has {probabilities.Length} elements, gradient {gradient.Length}.", nameof(probabilities));
        int i = 0, length = gradient.Length;
        ref float g = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gradient);
        ref float p = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(probabilities);
        if (Vector256.IsHardwareAccelerated)
        {
            var d = Vector256.Create(delta);
            var s = Vector256.Create(scale);
            for (; i <= length - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref g, (nuint)i);
                var pr = Vector256.LoadUnsafe(ref p, (nuint)i);
                ((x - d) * pr * s).StoreUnsafe(ref g, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            ref float x = ref System.Runtime.CompilerServices.Unsafe.Add(ref g, i);
            x = (x - delta) * System.Runtime.CompilerServices.Unsafe.Add(ref p, i) * scale;
        }
    }
}
