using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// In-register transposes of 8-float rows (AVX): the packing of <see cref="Sgemm"/>'s A and B panels and the key and
/// value panels of <see cref="SmallHeadAttention"/>. Callers check <see cref="Avx.IsSupported"/>.
/// </summary>
internal static unsafe class RegisterTranspose
{
    /// <summary>
    /// Transposes an 8×8 block: row r of the source (8 floats at <c>src + r·srcStride</c>) becomes column r of the
    /// destination (<c>dst[c·dstStride + r] = src[r·srcStride + c]</c>), with 24 in-register AVX shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block8x8(float* src, int srcStride, float* dst, int dstStride)
    {
        nint s = srcStride;
        Transpose8(
            Avx.LoadVector256(src), Avx.LoadVector256(src + s), Avx.LoadVector256(src + 2 * s), Avx.LoadVector256(src + 3 * s),
            Avx.LoadVector256(src + 4 * s), Avx.LoadVector256(src + 5 * s), Avx.LoadVector256(src + 6 * s), Avx.LoadVector256(src + 7 * s),
            out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        nint d = dstStride;
        Avx.Store(dst, c0);
        Avx.Store(dst + d, c1);
        Avx.Store(dst + 2 * d, c2);
        Avx.Store(dst + 3 * d, c3);
        Avx.Store(dst + 4 * d, c4);
        Avx.Store(dst + 5 * d, c5);
        Avx.Store(dst + 6 * d, c6);
        Avx.Store(dst + 7 * d, c7);
    }

    /// <summary>
    /// Packs a 6×8 block for the 6-row kernel: row r of the source (8 floats at <c>src + r·srcStride</c>) becomes
    /// <c>dst[c·6 + r]</c>. Each column is stored as 8 floats (its 6 values and 2 zeros) in ascending order, so every
    /// column overwrites the previous one's zeros; the last writes 2 floats past <c>dst + 48</c>, which the caller
    /// either packs next or has as slack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block6x8(float* src, int srcStride, float* dst)
    {
        nint s = srcStride;
        var zero = Vector256<float>.Zero;
        Transpose8(
            Avx.LoadVector256(src), Avx.LoadVector256(src + s), Avx.LoadVector256(src + 2 * s), Avx.LoadVector256(src + 3 * s),
            Avx.LoadVector256(src + 4 * s), Avx.LoadVector256(src + 5 * s), zero, zero,
            out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        Avx.Store(dst, c0);
        Avx.Store(dst + 6, c1);
        Avx.Store(dst + 12, c2);
        Avx.Store(dst + 18, c3);
        Avx.Store(dst + 24, c4);
        Avx.Store(dst + 30, c5);
        Avx.Store(dst + 36, c6);
        Avx.Store(dst + 42, c7);
    }

    /// <summary>The in-register 8×8 transpose: <c>c<sub>j</sub>[r] = r<sub>r</sub>[j]</c>, 24 AVX shuffles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
        out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7)
    {
        // Interleave row pairs: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], t1 = the [2,3 | 6,7] halves.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        // Gather 4-row columns: u0 = r0..r3[0] | r0..r3[4], u1 = [1 | 5], u2 = [2 | 6], u3 = [3 | 7] (u4..u7: rows 4..7).
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join 128-bit halves: column c = rows 0..3 from u(c mod 4) and rows 4..7 from u(c mod 4 + 4).
        c0 = Avx.Permute2x128(u0, u4, 0x20);
        c1 = Avx.Permute2x128(u1, u5, 0x20);
        c2 = Avx.Permute2x128(u2, u6, 0x20);
        c3 = Avx.Permute2x128(u3, u7, 0x20);
        c4 = Avx.Permute2x128(u0, u4, 0x31);
        c5 = Avx.Permute2x128(u1, u5, 0x31);
        c6 = Avx.Permute2x128(u2, u6, 0x31);
        c7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
