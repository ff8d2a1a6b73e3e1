using System.Runtime.CompilerServices;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// The three matrix products of attention with a small head size, on at most four query rows at a time and without
/// packing: the operand read along the keys is either a transposed panel (<c>d × Tpad</c>, built once per task) or the
/// row-major <c>[T, d]</c> keys and values themselves. Every output element is one fused-multiply-add chain in
/// ascending depth, from zero or from the destination, as in <see cref="Sgemm"/>: a product here has the bits SGEMM
/// would give.
/// </summary>
/// <remarks>
/// Register tiles: eight rows × two registers on AVX-512 (16 accumulators, 2 loads and 8 broadcasts per depth step,
/// within its 32 registers), four rows × two on AVX2 (8 accumulators, within its 16), then single rows. Column counts are covered in whole tiles of <c>2 · TL.Count</c>, so
/// the caller's buffers are padded to that multiple; widths (<c>d</c>) must be multiples of it.
/// </remarks>
internal static unsafe class SmallHeadProducts
{
    /// <summary>
    /// Scores: <c>c[r, j] = Σ_k a[r, k] · panel[k, j]</c> for <c>r &lt; rows ≤ 4</c>, <c>k &lt; depth</c>, and the columns
    /// <c>[j0, j1)</c> rounded outward to whole tiles (<c>j0</c> down, <c>j1</c> up), all from zero.
    /// </summary>
    public static void RowsByPanel<TL>(int rows, int depth, float* a, int lda, float* panel, int ldPanel, int j0, int j1, float* c, int ldc)
        where TL : struct, IFloatLanes<TL>
    {
        int tile = 2 * TL.Count;
        for (int j = j0 / tile * tile; j < j1; j += tile)
        {
            int r = 0;
            if (TL.Count == 16)
                for (; r + 8 <= rows; r += 8) PanelTile8<TL>(depth, a + (nint)r * lda, lda, panel + j, ldPanel, c + (nint)r * ldc + j, ldc);
            for (; r + 4 <= rows; r += 4) PanelTile4<TL>(depth, a + (nint)r * lda, lda, panel + j, ldPanel, c + (nint)r * ldc + j, ldc);
            for (; r < rows; r++) PanelTile1<TL>(depth, a + (nint)r * lda, panel + j, ldPanel, c + (nint)r * ldc + j);
        }
    }

    /// <summary>
    /// Probabilities times rows: <c>c[r, 0:width] = (accumulate ? c[r, 0:width] : 0) + Σ_n p[r, n] · x[n, 0:width]</c>
    /// for <c>r &lt; rows</c> and <c>n ∈ [n0, n1)</c> in ascending order.
    /// </summary>
    public static void RowsByRows<TL>(int rows, int width, int n0, int n1, float* p, int ldp, float* x, int ldx, float* c, int ldc, bool accumulate)
        where TL : struct, IFloatLanes<TL>
    {
        for (int v = 0; v < width; v += 2 * TL.Count)
        {
            int r = 0;
            if (TL.Count == 16)
                for (; r + 8 <= rows; r += 8) RowsTile8<TL>(n0, n1, p + (nint)r * ldp, ldp, x + v, ldx, c + (nint)r * ldc + v, ldc, accumulate);
            for (; r + 4 <= rows; r += 4) RowsTile4<TL>(n0, n1, p + (nint)r * ldp, ldp, x + v, ldx, c + (nint)r * ldc + v, ldc, accumulate);
            for (; r < rows; r++) RowsTile1<TL>(n0, n1, p + (nint)r * ldp, x + v, ldx, c + (nint)r * ldc + v, accumulate);
        }
    }

    /// <summary>
    /// Transposed probabilities times rows, accumulated: <c>c[n, 0:width] += Σ_r p[r, n] · x[r, 0:width]</c> for
    /// <c>n ∈ [n0, n1)</c> and <c>r &lt; rows</c> in ascending order (the weight-style products dV and dK).
    /// </summary>
    public static void ColumnsByRows<TL>(int rows, int width, int n0, int n1, float* p, int ldp, float* x, int ldx, float* c, int ldc)
        where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        for (int v = 0; v < width; v += 2 * w)
        {
            int r0 = 0;
            if (TL.Count == 16)
                for (; r0 + 8 <= rows; r0 += 8) ColumnsTile8<TL>(n0, n1, p + (nint)r0 * ldp, ldp, x + (nint)r0 * ldx + v, ldx, c + v, ldc);
            for (; r0 + 4 <= rows; r0 += 4) ColumnsTile4<TL>(n0, n1, p + (nint)r0 * ldp, ldp, x + (nint)r0 * ldx + v, ldx, c + v, ldc);
            for (int r = r0; r < rows; r++)
            {
                float* pr = p + (nint)r * ldp;
                TL x0 = TL.Load(x + (nint)r * ldx + v), x1 = TL.Load(x + (nint)r * ldx + v + w);
                for (int n = n0; n < n1; n++)
                {
                    float* cn = c + (nint)n * ldc + v;
                    var s = TL.Broadcast(pr[n]);
                    TL.Store(TL.MultiplyAdd(s, x0, TL.Load(cn)), cn);
                    TL.Store(TL.MultiplyAdd(s, x1, TL.Load(cn + w)), cn + w);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelTile4<TL>(int depth, float* a, int lda, float* b, int ldb, float* c, int ldc) where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL c00 = TL.Zero, c01 = TL.Zero, c10 = TL.Zero, c11 = TL.Zero, c20 = TL.Zero, c21 = TL.Zero, c30 = TL.Zero, c31 = TL.Zero;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int k = 0; k < depth; k++)
        {
            float* bk = b + (nint)k * ldb;
            TL b0 = TL.Load(bk), b1 = TL.Load(bk + w);
            var s = TL.Broadcast(a[k]);
            c00 = TL.MultiplyAdd(s, b0, c00); c01 = TL.MultiplyAdd(s, b1, c01);
            s = TL.Broadcast(a1[k]);
            c10 = TL.MultiplyAdd(s, b0, c10); c11 = TL.MultiplyAdd(s, b1, c11);
            s = TL.Broadcast(a2[k]);
            c20 = TL.MultiplyAdd(s, b0, c20); c21 = TL.MultiplyAdd(s, b1, c21);
            s = TL.Broadcast(a3[k]);
            c30 = TL.MultiplyAdd(s, b0, c30); c31 = TL.MultiplyAdd(s, b1, c31);
        }
        TL.Store(c00, c); TL.Store(c01, c + w);
        TL.Store(c10, c + ldc); TL.Store(c11, c + ldc + w);
        TL.Store(c20, c + 2 * ldc); TL.Store(c21, c + 2 * ldc + w);
        TL.Store(c30, c + 3 * ldc); TL.Store(c31, c + 3 * ldc + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelTile1<TL>(int depth, float* a, float* b, int ldb, float* c) where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL c0 = TL.Zero, c1 = TL.Zero;
        for (int k = 0; k < depth; k++)
        {
            float* bk = b + (nint)k * ldb;
            var s = TL.Broadcast(a[k]);
            c0 = TL.MultiplyAdd(s, TL.Load(bk), c0);
            c1 = TL.MultiplyAdd(s, TL.Load(bk + w), c1);
        }
        TL.Store(c0, c);
        TL.Store(c1, c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsTile4<TL>(int n0, int n1, float* p, int ldp, float* x, int ldx, float* c, int ldc, bool accumulate)
        where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = TL.Load(c); c01 = TL.Load(c + w);
            c10 = TL.Load(c + ldc); c11 = TL.Load(c + ldc + w);
            c20 = TL.Load(c + 2 * ldc); c21 = TL.Load(c + 2 * ldc + w);
            c30 = TL.Load(c + 3 * ldc); c31 = TL.Load(c + 3 * ldc + w);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = TL.Zero;
        float* p1 = p + ldp, p2 = p1 + ldp, p3 = p2 + ldp;
        for (int n = n0; n < n1; n++)
        {
            float* xn = x + (nint)n * ldx;
            TL x0 = TL.Load(xn), x1 = TL.Load(xn + w);
            var s = TL.Broadcast(p[n]);
            c00 = TL.MultiplyAdd(s, x0, c00); c01 = TL.MultiplyAdd(s, x1, c01);
            s = TL.Broadcast(p1[n]);
            c10 = TL.MultiplyAdd(s, x0, c10); c11 = TL.MultiplyAdd(s, x1, c11);
            s = TL.Broadcast(p2[n]);
            c20 = TL.MultiplyAdd(s, x0, c20); c21 = TL.MultiplyAdd(s, x1, c21);
            s = TL.Broadcast(p3[n]);
            c30 = TL.MultiplyAdd(s, x0, c30); c31 = TL.MultiplyAdd(s, x1, c31);
        }
        TL.Store(c00, c); TL.Store(c01, c + w);
        TL.Store(c10, c + ldc); TL.Store(c11, c + ldc + w);
        TL.Store(c20, c + 2 * ldc); TL.Store(c21, c + 2 * ldc + w);
        TL.Store(c30, c + 3 * ldc); TL.Store(c31, c + 3 * ldc + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsTile1<TL>(int n0, int n1, float* p, float* x, int ldx, float* c, bool accumulate) where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL c0 = accumulate ? TL.Load(c) : TL.Zero, c1 = accumulate ? TL.Load(c + w) : TL.Zero;
        for (int n = n0; n < n1; n++)
        {
            float* xn = x + (nint)n * ldx;
            var s = TL.Broadcast(p[n]);
            c0 = TL.MultiplyAdd(s, TL.Load(xn), c0);
            c1 = TL.MultiplyAdd(s, TL.Load(xn + w), c1);
        }
        TL.Store(c0, c);
        TL.Store(c1, c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnsTile4<TL>(int n0, int n1, float* p, int ldp, float* x, int ldx, float* c, int ldc) where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL x00 = TL.Load(x), x01 = TL.Load(x + w);
        TL x10 = TL.Load(x + ldx), x11 = TL.Load(x + ldx + w);
        TL x20 = TL.Load(x + 2 * ldx), x21 = TL.Load(x + 2 * ldx + w);
        TL x30 = TL.Load(x + 3 * ldx), x31 = TL.Load(x + 3 * ldx + w);
        float* p1 = p + ldp, p2 = p1 + ldp, p3 = p2 + ldp;
        for (int n = n0; n < n1; n++)
        {
            float* cn = c + (nint)n * ldc;
            TL c0 = TL.Load(cn), c1 = TL.Load(cn + w);
            var s = TL.Broadcast(p[n]);
            c0 = TL.MultiplyAdd(s, x00, c0); c1 = TL.MultiplyAdd(s, x01, c1);
            s = TL.Broadcast(p1[n]);
            c0 = TL.MultiplyAdd(s, x10, c0); c1 = TL.MultiplyAdd(s, x11, c1);
            s = TL.Broadcast(p2[n]);
            c0 = TL.MultiplyAdd(s, x20, c0); c1 = TL.MultiplyAdd(s, x21, c1);
            s = TL.Broadcast(p3[n]);
            c0 = TL.MultiplyAdd(s, x30, c0); c1 = TL.MultiplyAdd(s, x31, c1);
            TL.Store(c0, cn);
            TL.Store(c1, cn + w);
        }
    }
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelTile8<TL>(int depth, float* a, int lda, float* b, int ldb, float* c, int ldc) where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL c00 = TL.Zero, c01 = TL.Zero, c10 = TL.Zero, c11 = TL.Zero, c20 = TL.Zero, c21 = TL.Zero, c30 = TL.Zero, c31 = TL.Zero;
        TL c40 = TL.Zero, c41 = TL.Zero, c50 = TL.Zero, c51 = TL.Zero, c60 = TL.Zero, c61 = TL.Zero, c70 = TL.Zero, c71 = TL.Zero;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int k = 0; k < depth; k++)
        {
            float* bk = b + (nint)k * ldb;
            TL b0 = TL.Load(bk), b1 = TL.Load(bk + w);
            var s = TL.Broadcast(a[k]);
            c00 = TL.MultiplyAdd(s, b0, c00); c01 = TL.MultiplyAdd(s, b1, c01);
            s = TL.Broadcast(a1[k]);
            c10 = TL.MultiplyAdd(s, b0, c10); c11 = TL.MultiplyAdd(s, b1, c11);
            s = TL.Broadcast(a2[k]);
            c20 = TL.MultiplyAdd(s, b0, c20); c21 = TL.MultiplyAdd(s, b1, c21);
            s = TL.Broadcast(a3[k]);
            c30 = TL.MultiplyAdd(s, b0, c30); c31 = TL.MultiplyAdd(s, b1, c31);
            s = TL.Broadcast(a4[k]);
            c40 = TL.MultiplyAdd(s, b0, c40); c41 = TL.MultiplyAdd(s, b1, c41);
            s = TL.Broadcast(a5[k]);
            c50 = TL.MultiplyAdd(s, b0, c50); c51 = TL.MultiplyAdd(s, b1, c51);
            s = TL.Broadcast(a6[k]);
            c60 = TL.MultiplyAdd(s, b0, c60); c61 = TL.MultiplyAdd(s, b1, c61);
            s = TL.Broadcast(a7[k]);
            c70 = TL.MultiplyAdd(s, b0, c70); c71 = TL.MultiplyAdd(s, b1, c71);
        }
        TL.Store(c00, c); TL.Store(c01, c + w);
        TL.Store(c10, c + ldc); TL.Store(c11, c + ldc + w);
        TL.Store(c20, c + 2 * ldc); TL.Store(c21, c + 2 * ldc + w);
        TL.Store(c30, c + 3 * ldc); TL.Store(c31, c + 3 * ldc + w);
        TL.Store(c40, c + 4 * ldc); TL.Store(c41, c + 4 * ldc + w);
        TL.Store(c50, c + 5 * ldc); TL.Store(c51, c + 5 * ldc + w);
        TL.Store(c60, c + 6 * ldc); TL.Store(c61, c + 6 * ldc + w);
        TL.Store(c70, c + 7 * ldc); TL.Store(c71, c + 7 * ldc + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsTile8<TL>(int n0, int n1, float* p, int ldp, float* x, int ldx, float* c, int ldc, bool accumulate)
        where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate)
        {
            c00 = TL.Load(c); c01 = TL.Load(c + w);
            c10 = TL.Load(c + ldc); c11 = TL.Load(c + ldc + w);
            c20 = TL.Load(c + 2 * ldc); c21 = TL.Load(c + 2 * ldc + w);
            c30 = TL.Load(c + 3 * ldc); c31 = TL.Load(c + 3 * ldc + w);
            c40 = TL.Load(c + 4 * ldc); c41 = TL.Load(c + 4 * ldc + w);
            c50 = TL.Load(c + 5 * ldc); c51 = TL.Load(c + 5 * ldc + w);
            c60 = TL.Load(c + 6 * ldc); c61 = TL.Load(c + 6 * ldc + w);
            c70 = TL.Load(c + 7 * ldc); c71 = TL.Load(c + 7 * ldc + w);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = TL.Zero;
        float* p1 = p + ldp, p2 = p1 + ldp, p3 = p2 + ldp, p4 = p3 + ldp, p5 = p4 + ldp, p6 = p5 + ldp, p7 = p6 + ldp;
        for (int n = n0; n < n1; n++)
        {
            float* xn = x + (nint)n * ldx;
            TL x0 = TL.Load(xn), x1 = TL.Load(xn + w);
            var s = TL.Broadcast(p[n]);
            c00 = TL.MultiplyAdd(s, x0, c00); c01 = TL.MultiplyAdd(s, x1, c01);
            s = TL.Broadcast(p1[n]);
            c10 = TL.MultiplyAdd(s, x0, c10); c11 = TL.MultiplyAdd(s, x1, c11);
            s = TL.Broadcast(p2[n]);
            c20 = TL.MultiplyAdd(s, x0, c20); c21 = TL.MultiplyAdd(s, x1, c21);
            s = TL.Broadcast(p3[n]);
            c30 = TL.MultiplyAdd(s, x0, c30); c31 = TL.MultiplyAdd(s, x1, c31);
            s = TL.Broadcast(p4[n]);
            c40 = TL.MultiplyAdd(s, x0, c40); c41 = TL.MultiplyAdd(s, x1, c41);
            s = TL.Broadcast(p5[n]);
            c50 = TL.MultiplyAdd(s, x0, c50); c51 = TL.MultiplyAdd(s, x1, c51);
            s = TL.Broadcast(p6[n]);
            c60 = TL.MultiplyAdd(s, x0, c60); c61 = TL.MultiplyAdd(s, x1, c61);
            s = TL.Broadcast(p7[n]);
            c70 = TL.MultiplyAdd(s, x0, c70); c71 = TL.MultiplyAdd(s, x1, c71);
        }
        TL.Store(c00, c); TL.Store(c01, c + w);
        TL.Store(c10, c + ldc); TL.Store(c11, c + ldc + w);
        TL.Store(c20, c + 2 * ldc); TL.Store(c21, c + 2 * ldc + w);
        TL.Store(c30, c + 3 * ldc); TL.Store(c31, c + 3 * ldc + w);
        TL.Store(c40, c + 4 * ldc); TL.Store(c41, c + 4 * ldc + w);
        TL.Store(c50, c + 5 * ldc); TL.Store(c51, c + 5 * ldc + w);
        TL.Store(c60, c + 6 * ldc); TL.Store(c61, c + 6 * ldc + w);
        TL.Store(c70, c + 7 * ldc); TL.Store(c71, c + 7 * ldc + w);
    }
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnsTile8<TL>(int n0, int n1, float* p, int ldp, float* x, int ldx, float* c, int ldc) where TL : struct, IFloatLanes<TL>
    {
        int w = TL.Count;
        TL x00 = TL.Load(x), x01 = TL.Load(x + w);
        TL x10 = TL.Load(x + ldx), x11 = TL.Load(x + ldx + w);
        TL x20 = TL.Load(x + 2 * ldx), x21 = TL.Load(x + 2 * ldx + w);
        TL x30 = TL.Load(x + 3 * ldx), x31 = TL.Load(x + 3 * ldx + w);
        TL x40 = TL.Load(x + 4 * ldx), x41 = TL.Load(x + 4 * ldx + w);
        TL x50 = TL.Load(x + 5 * ldx), x51 = TL.Load(x + 5 * ldx + w);
        TL x60 = TL.Load(x + 6 * ldx), x61 = TL.Load(x + 6 * ldx + w);
        TL x70 = TL.Load(x + 7 * ldx), x71 = TL.Load(x + 7 * ldx + w);
        float* p1 = p + ldp, p2 = p1 + ldp, p3 = p2 + ldp, p4 = p3 + ldp, p5 = p4 + ldp, p6 = p5 + ldp, p7 = p6 + ldp;
        for (int n = n0; n < n1; n++)
        {
            float* cn = c + (nint)n * ldc;
            TL c0 = TL.Load(cn), c1 = TL.Load(cn + w);
            var s = TL.Broadcast(p[n]);
            c0 = TL.MultiplyAdd(s, x00, c0); c1 = TL.MultiplyAdd(s, x01, c1);
            s = TL.Broadcast(p1[n]);
            c0 = TL.MultiplyAdd(s, x10, c0); c1 = TL.MultiplyAdd(s, x11, c1);
            s = TL.Broadcast(p2[n]);
            c0 = TL.MultiplyAdd(s, x20, c0); c1 = TL.MultiplyAdd(s, x21, c1);
            s = TL.Broadcast(p3[n]);
            c0 = TL.MultiplyAdd(s, x30, c0); c1 = TL.MultiplyAdd(s, x31, c1);
            s = TL.Broadcast(p4[n]);
            c0 = TL.MultiplyAdd(s, x40, c0); c1 = TL.MultiplyAdd(s, x41, c1);
            s = TL.Broadcast(p5[n]);
            c0 = TL.MultiplyAdd(s, x50, c0); c1 = TL.MultiplyAdd(s, x51, c1);
            s = TL.Broadcast(p6[n]);
            c0 = TL.MultiplyAdd(s, x60, c0); c1 = TL.MultiplyAdd(s, x61, c1);
            s = TL.Broadcast(p7[n]);
            c0 = TL.MultiplyAdd(s, x70, c0); c1 = TL.MultiplyAdd(s, x71, c1);
            TL.Store(c0, cn);
            TL.Store(c1, cn + w);
        }
    }
}
