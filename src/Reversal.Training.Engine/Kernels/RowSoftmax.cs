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
        float max = Max(x);
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
        float max = Max(row);
        if (float.IsNegativeInfinity(max)) { row.Clear(); return max; }
        float sum = VectorExp.ExpShifted(row, max, row);
        Scale(row, 1f / sum, row);
        return max + MathF.Log(sum);
    }

    /// <summary>
    /// The largest element (NaN if any is NaN; −∞ for an empty row), as <see cref="TensorPrimitives.Max{T}(ReadOnlySpan{T})"/>
    /// but without its per-call set-up, which dominates on the 30–200-element rows of attention blocks.
    /// </summary>
    public static float Max(ReadOnlySpan<float> x)
    {
        int i = 0, length = x.Length;
        float max = float.NegativeInfinity;
        ref float xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            var m = Vector512.LoadUnsafe(ref xs);
            for (i = Vector512<float>.Count; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
                m = Vector512.Max(m, Vector512.LoadUnsafe(ref xs, (nuint)i));
            return Largest(Vector512.Max(m, Vector512.LoadUnsafe(ref xs, (nuint)(length - Vector512<float>.Count))));
        }
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var m = Vector256.LoadUnsafe(ref xs);
            for (i = Vector256<float>.Count; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref xs, (nuint)i));
            return Largest(Vector256.Max(m, Vector256.LoadUnsafe(ref xs, (nuint)(length - Vector256<float>.Count))));
        }
        for (; i < length; i++) max = Math.Max(max, System.Runtime.CompilerServices.Unsafe.Add(ref xs, i));
        return max;
    }

    private static float Largest(Vector512<float> v) => Largest(Vector256.Max(v.GetLower(), v.GetUpper()));

    private static float Largest(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>
    /// <c>y = x · scale</c> element by element (<paramref name="y"/> may be <paramref name="x"/>), as
    /// <see cref="TensorPrimitives.Multiply{T}(ReadOnlySpan{T}, T, Span{T})"/> but without its per-call set-up.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static void Scale(ReadOnlySpan<float> x, float scale, Span<float> y)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"The destination has {y.Length} elements, the source {x.Length}.", nameof(y));
        int i = 0, length = x.Length;
        ref float xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float ys = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref xs, (nuint)i) * s).StoreUnsafe(ref ys, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref xs, (nuint)i) * s).StoreUnsafe(ref ys, (nuint)i);
        }
        for (; i < length; i++)
            System.Runtime.CompilerServices.Unsafe.Add(ref ys, i) = System.Runtime.CompilerServices.Unsafe.Add(ref xs, i) * scale;
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
