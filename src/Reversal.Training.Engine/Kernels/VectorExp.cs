using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// <c>exp</c> over float spans, single precision throughout, for the softmax-shaped loops of the engine (attention
/// scores, cross-entropy rows): <c>exp(x) = 2ⁿ · P(r)</c> with <c>n = round(x · log₂e)</c> (ties to even),
/// <c>r = x − n·ln2</c> in two fused steps (Cody–Waite), and <c>P(r) = 1 + r + r²·(½ + r/6 + …)</c> of degree 7, so
/// every result is within about 2 ulp of the exact value.
/// </summary>
/// <remarks>
/// <para><b>Why not <c>TensorPrimitives.Exp</c>.</b> It widens to double and ran at about 0.75 ns per element here
/// (about 47 ns for a 64-score row), the largest cost of attention at T = 64 after the products themselves.</para>
/// <para><b>Same bits in every lane.</b> The 256-bit path and the scalar tail run the same operations
/// (fused multiply-adds, ties-to-even rounding, exponent-field scaling), so an element's result never depends on the
/// span's length or its position in it: a row's softmax stays bit-identical whatever row it shares a buffer with. There
/// is no 512-bit body: on the Zen 4 machine it was measured on, a 512-bit operation issues as two 256-bit halves.</para>
/// <para><b>Range.</b> Results below <c>e^−86.5 ≈ 2.6·10⁻³⁸</c> (every x below <see cref="MinInput"/>, −∞ included) are
/// exact zeros, not subnormals; x above <see cref="MaxInput"/> gives +∞; NaN stays NaN. Softmax arguments are at most
/// about 0, so neither bound changes a probability.</para>
/// </remarks>
internal static class VectorExp
{
    /// <summary>Below this the result is 0 (n would leave the normal exponent range).</summary>
    public const float MinInput = -86.5f;

    /// <summary>Above this the result is +∞.</summary>
    public const float MaxInput = 88.0f;

    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;          // ln 2 with the low 12 bits of the significand zero: n·Ln2High is exact
    private const float Ln2Low = -2.12194440e-4f;        // ln 2 − Ln2High

    // Taylor coefficients 1/k! for k = 7 .. 2 (|r| ≤ ln2/2: the truncation error is below 2⁻²⁴ relative).
    private const float C7 = 1.98412698e-4f, C6 = 1.38888889e-3f, C5 = 8.33333333e-3f, C4 = 4.16666667e-2f, C3 = 1.66666667e-1f, C2 = 0.5f;

    /// <summary>exp(x), the scalar path (the same bits as every vector lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        if (!(x >= MinInput)) return float.IsNaN(x) ? x : 0f;
        if (x > MaxInput) return float.PositiveInfinity;
        float n = MathF.Round(x * Log2E, MidpointRounding.ToEven);
        float r = MathF.FusedMultiplyAdd(n, -Ln2High, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Low, r);
        float p = MathF.FusedMultiplyAdd(C7, r, C6);
        p = MathF.FusedMultiplyAdd(p, r, C5);
        p = MathF.FusedMultiplyAdd(p, r, C4);
        p = MathF.FusedMultiplyAdd(p, r, C3);
        p = MathF.FusedMultiplyAdd(p, r, C2);
        p = MathF.FusedMultiplyAdd(p, r * r, r) + 1f;
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(p) + ((int)n << 23));
    }

    /// <summary>exp of every lane (the bits of <see cref="Exp(float)"/> per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(MinInput)), Vector256.Create(MaxInput));
        var n = Vector256.Round(clamped * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), clamped);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C7), r, Vector256.Create(C6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var scaled = (p.AsInt32() + Vector256.ShiftLeft(Vector256.ConvertToInt32(n), 23)).AsSingle();
        scaled = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(MinInput)), Vector256<float>.Zero, scaled);
        scaled = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(MaxInput)), Vector256.Create(float.PositiveInfinity), scaled);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), scaled, x);
    }

    /// <summary>exp of every lane of an AVX-512 register (the bits of <see cref="Exp(float)"/> per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(MinInput)), Vector512.Create(MaxInput));
        var n = Vector512.Round(clamped * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(C7), r, Vector512.Create(C6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var scaled = (p.AsInt32() + Vector512.ShiftLeft(Vector512.ConvertToInt32(n), 23)).AsSingle();
        scaled = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(MinInput)), Vector512<float>.Zero, scaled);
        scaled = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(MaxInput)), Vector512.Create(float.PositiveInfinity), scaled);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), scaled, x);
    }

    /// <summary>
    /// <c>y[i] = exp(x[i] − shift)</c> (x and y may be the same span) and returns <c>Σ y[i]</c>, summed in vector lanes then
    /// the tail in index order: a fixed order for a given length, so the same row gives the same bits.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is shorter than <paramref name="x"/>.</exception>
    public static float ExpShifted(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} elements, x has {x.Length}.", nameof(y));
        int length = x.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var s = Vector256.Create(shift);
            var total = Vector256<float>.Zero;
            if (Vector512.IsHardwareAccelerated)
            {
                // Sixteen at a time, the halves added in the order the eight-lane loop adds them: the same sum.
                var s16 = Vector512.Create(shift);
                for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    var e = Exp(Vector512.LoadUnsafe(ref xs, (nuint)i) - s16);
                    e.StoreUnsafe(ref ys, (nuint)i);
                    total += e.GetLower();
                    total += e.GetUpper();
                }
            }
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var e = Exp(Vector256.LoadUnsafe(ref xs, (nuint)i) - s);
                e.StoreUnsafe(ref ys, (nuint)i);
                total += e;
            }
            sum = Vector256.Sum(total);
        }
        for (; i < length; i++)
        {
            float e = Exp(Unsafe.Add(ref xs, i) - shift);
            Unsafe.Add(ref ys, i) = e;
            sum += e;
        }
        return sum;
    }
}
