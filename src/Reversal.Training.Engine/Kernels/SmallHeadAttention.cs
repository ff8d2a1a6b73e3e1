using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// Attention forward and backward for the short sequences and small heads of training steps (head size a multiple of
/// two SIMD registers and at most <see cref="MaxHeadDim"/>, at most <see cref="MaxKeys"/> keys), in blocks of four or eight
/// query rows and without SGEMM: per (batch row, kv head) task the keys (both rotations) and, for the backward, the values
/// are transposed once into <c>d × Tpad</c> panels, and every product of a block runs on
/// <see cref="SmallHeadProducts"/> register tiles. At these shapes (e.g. d 32, T 64–128) the products are 32 deep
/// or 32 wide, and the tiled kernel's packing, SGEMM call set-up and 32-row causal blocks cost as much as its tiles;
/// here forward + backward runs 1.06–1.24× faster at the Tiny and Small train steps' layer shapes
/// (<c>SmallHeadAttentionBenchmarks</c>, 2 threads, AVX-512).
/// </summary>
/// <remarks>
/// <para><b>Same bits as the tiled forward.</b> Scores, masking, the row softmax and the product with V are the same
/// operations in the same order (<see cref="AttentionKernel.FinishScoreRow"/>, <see cref="AttentionKernel.SoftmaxRow"/>,
/// one FMA chain per element in ascending depth): the forward output and log-sum-exp are bit-identical to
/// <see cref="AttentionKernel.TiledForward"/>, so row exactness (and batched decoding over it) is kept.</para>
/// <para><b>Backward</b> is the tiled one's algebra (<c>dV += Pᵀ dO</c>, <c>dP = dO Vᵀ</c>, <c>dS</c>, <c>dQ̃ += dS K̃</c>,
/// <c>dK̃ += dSᵀ Q̃</c>) on the same blocks: the same values up to summation order. Each task owns its gradient rows and
/// walks its blocks in a fixed order, so results are bit-identical for every thread count.</para>
/// <para>Taken only for whole sequences (<c>Tq == Tk</c>, no query offsets or ragged rows: training and scoring, not
/// decoding over a cache), when key positions ascend in every row (BICO, causal and plain batches) or the policy never
/// mirrors, and on the AVX-512 or AVX2 SGEMM kernels (<see cref="Sgemm.Kernel"/>); otherwise the tiled kernel runs.</para>
/// </remarks>
internal static unsafe class SmallHeadAttention
{
    /// <summary>
    /// The most keys taken. Measured up to here (forward + backward 1.02–1.17× the tiled kernel at T 192 and 256, head
    /// size 32, 2 threads); longer sequences keep the tiled kernel, whose blocking and packing were tuned on them.
    /// </summary>
    public const int MaxKeys = 256;

    /// <summary>The largest head size taken.</summary>
    public const int MaxHeadDim = 128;

    /// <summary>Query rows per block: one register tile of <see cref="SmallHeadProducts"/> (8 on AVX-512, 4 on AVX2).</summary>
    private static int BlockRows<TL>() where TL : struct, IFloatLanes<TL> => TL.Count == 16 ? 8 : 4;

    /// <summary>True when this kernel computes <paramref name="p"/> (see the remarks for the conditions).</summary>
    public static bool Supports(AttentionProblem p)
    {
        int lanes = Lanes;
        if (lanes == 0 || p.HeadDim % (2 * lanes) != 0 || p.HeadDim > MaxHeadDim || p.KeyLength == 0 || p.KeyLength > MaxKeys) return false;
        // Whole sequences only (training, scoring): a decoding step has one query per row over a cache, where
        // transposing the cache's keys each step would cost as much as the step's products.
        if (p.QueryLength != p.KeyLength || p.QueryOffsets is not null || p.QueryStarts is not null || p.QueryCounts is not null) return false;
        if (p.Mirrors)
            for (int b = 0; b < p.Batch; b++)
                if (!p.KeyPositionsAscending(b)) return false;
        return true;
    }

    private static int Lanes => Sgemm.Kernel switch
    {
        Sgemm.KernelKind.Vector512 => 16,
        Sgemm.KernelKind.Vector256 => 8,
        _ => 0,
    };

    /// <summary>Writes <c>output [B, Tq, H, d]</c> and <c>logSumExp [B, H, Tq]</c>; requires <see cref="Supports"/>.</summary>
    public static void Forward(AttentionProblem p, float[] output, float[] logSumExp)
    {
        if (Lanes == 16) Forward<Lanes16>(p, output, logSumExp);
        else Forward<Lanes8>(p, output, logSumExp);
    }

    /// <summary>
    /// Accumulates the gradients of the rotated queries and keys (standard and mirrored parts) and of the values, as
    /// <see cref="AttentionKernel.Backward"/>; requires <see cref="Supports"/>, <c>Tq == Tk</c> and no query offset.
    /// </summary>
    public static void Backward(AttentionProblem p, float[] output, float[] logSumExp, float[] dOutput,
        float[] dQueryStandard, float[]? dQueryMirrored, float[] dKeyStandard, float[]? dKeyMirrored, float[] dValue)
    {
        if (Lanes == 16) Backward<Lanes16>(p, output, logSumExp, dOutput, dQueryStandard, dQueryMirrored, dKeyStandard, dKeyMirrored, dValue);
        else Backward<Lanes8>(p, output, logSumExp, dOutput, dQueryStandard, dQueryMirrored, dKeyStandard, dKeyMirrored, dValue);
    }

    private static void Forward<TL>(AttentionProblem p, float[] output, float[] logSumExp) where TL : struct, IFloatLanes<TL>
    {
        int d = p.HeadDim, qStride = p.Heads * d, kStride = p.KvHeads * d, padded = Padded<TL>(p.KeyLength);
        int panels = p.Mirrors ? 2 : 1;
        Compute.For(p.Batch * p.KvHeads, task =>
        {
            int b = task / p.KvHeads, kvh = task % p.KvHeads, queries = p.QueryCount(b), kv0 = p.KeyIndex(b, 0, kvh);
            var pool = ArrayPool<float>.Shared;
            float[] panel = pool.Rent(panels * d * padded), scores = pool.Rent(2 * BlockRows<TL>() * padded);
            fixed (float* keys = p.KeyStandard, keysMirrored = p.KeyMirrored, values = p.Value)
            fixed (float* queriesStandard = p.QueryStandard, queriesMirrored = p.QueryMirrored, o = output)
            fixed (float* keysT = panel, s = scores)
            {
                float* keysMirroredT = keysT + d * padded, mirrored = s + BlockRows<TL>() * padded;
                Transpose(keys + kv0, kStride, p.KeyLength, d, keysT, padded);
                if (p.Mirrors) Transpose(keysMirrored + kv0, kStride, p.KeyLength, d, keysMirroredT, padded);
                for (int g = 0; g < p.Group; g++)
                {
                    int h = kvh * p.Group + g;
                    for (int m0 = 0; m0 < queries; m0 += BlockRows<TL>())
                    {
                        int rows = Math.Min(BlockRows<TL>(), queries - m0), q0 = p.QueryIndex(b, m0, h);
                        var block = Scores<TL>(p, b, m0, rows, queriesStandard + q0, queriesMirrored + q0, keysT, keysMirroredT, s, mirrored, padded);
                        for (int r = 0; r < rows; r++)
                            logSumExp[p.StatIndex(b, h, m0 + r)] = AttentionKernel.SoftmaxRow(p, b, m0 + r, new Span<float>(s + r * padded, block.End));
                        if (block.End == 0)
                            for (int r = 0; r < rows; r++) new Span<float>(o + q0 + r * qStride, d).Clear();
                        else SmallHeadProducts.RowsByRows<TL>(rows, d, 0, block.End, s, padded, values + kv0, kStride, o + q0, qStride, accumulate: false);
                    }
                }
            }
            pool.Return(panel);
            pool.Return(scores);
        });
    }

    private static void Backward<TL>(AttentionProblem p, float[] output, float[] logSumExp, float[] dOutput,
        float[] dQueryStandard, float[]? dQueryMirrored, float[] dKeyStandard, float[]? dKeyMirrored, float[] dValue)
        where TL : struct, IFloatLanes<TL>
    {
        int d = p.HeadDim, qStride = p.Heads * d, kStride = p.KvHeads * d, padded = Padded<TL>(p.KeyLength);
        int panels = p.Mirrors ? 3 : 2;
        float scale = p.Scale;
        Compute.For(p.Batch * p.KvHeads, task =>
        {
            int b = task / p.KvHeads, kvh = task % p.KvHeads, queries = p.QueryCount(b), kv0 = p.KeyIndex(b, 0, kvh);
            var pool = ArrayPool<float>.Shared;
            float[] panel = pool.Rent(panels * d * padded), scratch = pool.Rent(3 * BlockRows<TL>() * padded);
            fixed (float* keys = p.KeyStandard, keysMirrored = p.KeyMirrored, values = p.Value)
            fixed (float* queriesStandard = p.QueryStandard, queriesMirrored = p.QueryMirrored, o = output, dO = dOutput)
            fixed (float* dQ = dQueryStandard, dQMirrored = dQueryMirrored, dK = dKeyStandard, dKMirrored = dKeyMirrored, dV = dValue)
            fixed (float* keysT = panel, probs = scratch)
            {
                float* valuesT = keysT + d * padded, keysMirroredT = valuesT + d * padded;
                float* mirrored = probs + BlockRows<TL>() * padded, dScores = mirrored + BlockRows<TL>() * padded;
                Transpose(keys + kv0, kStride, p.KeyLength, d, keysT, padded);
                Transpose(values + kv0, kStride, p.KeyLength, d, valuesT, padded);
                if (p.Mirrors) Transpose(keysMirrored + kv0, kStride, p.KeyLength, d, keysMirroredT, padded);
                for (int g = 0; g < p.Group; g++)
                {
                    int h = kvh * p.Group + g;
                    for (int m0 = 0; m0 < queries; m0 += BlockRows<TL>())
                    {
                        int rows = Math.Min(BlockRows<TL>(), queries - m0), q0 = p.QueryIndex(b, m0, h);
                        var block = Scores<TL>(p, b, m0, rows, queriesStandard + q0, queriesMirrored + q0, keysT, keysMirroredT, probs, mirrored, padded);
                        int end = block.End;
                        if (end == 0) continue;
                        for (int r = 0; r < rows; r++)
                            AttentionKernel.ProbabilitiesRow(new Span<float>(probs + r * padded, end), logSumExp[p.StatIndex(b, h, m0 + r)]);
                        // dV[0:E] += Pᵀ · dO, then dP = dO · V[0:E]ᵀ.
                        SmallHeadProducts.ColumnsByRows<TL>(rows, d, 0, end, probs, padded, dO + q0, qStride, dV + kv0, kStride);
                        SmallHeadProducts.RowsByPanel<TL>(rows, d, dO + q0, qStride, valuesT, padded, 0, end, dScores, padded);
                        for (int r = 0; r < rows; r++)
                        {
                            float delta = TensorPrimitives.Dot(new ReadOnlySpan<float>(dO + q0 + r * qStride, d), new ReadOnlySpan<float>(o + q0 + r * qStride, d));
                            AttentionKernel.ScoreGradientRow(p, b, m0 + r, new Span<float>(dScores + r * padded, end),
                                new ReadOnlySpan<float>(probs + r * padded, end), new Span<float>(mirrored + r * padded, end), delta, scale);
                        }
                        if (block.StandardEnd > 0)
                        {
                            SmallHeadProducts.RowsByRows<TL>(rows, d, 0, block.StandardEnd, dScores, padded, keys + kv0, kStride, dQ + q0, qStride, accumulate: true);
                            SmallHeadProducts.ColumnsByRows<TL>(rows, d, 0, block.StandardEnd, dScores, padded, queriesStandard + q0, qStride, dK + kv0, kStride);
                        }
                        if (block.MirroredStart < end)
                        {
                            int n0 = block.MirroredStart;
                            SmallHeadProducts.RowsByRows<TL>(rows, d, n0, end, mirrored, padded, keysMirrored + kv0, kStride, dQMirrored + q0, qStride, accumulate: true);
                            SmallHeadProducts.ColumnsByRows<TL>(rows, d, n0, end, mirrored, padded, queriesMirrored + q0, qStride, dKMirrored + kv0, kStride);
                        }
                    }
                }
            }
            pool.Return(panel);
            pool.Return(scratch);
        });
    }

    /// <summary>
    /// The raw products of a block's rows (queries at <paramref name="queries"/>, row stride <c>H · d</c>) with the
    /// standard keys over <c>[0, StandardEnd)</c> into <paramref name="scores"/> and with the mirrored keys over
    /// <c>[MirroredStart, End)</c> into <paramref name="mirrored"/> (row stride <paramref name="padded"/>), then each row
    /// finished by <see cref="AttentionKernel.FinishScoreRow"/>.
    /// </summary>
    private static AttentionKernel.BlockRange Scores<TL>(AttentionProblem p, int b, int m0, int rows, float* queries, float* queriesMirrored,
        float* keysT, float* keysMirroredT, float* scores, float* mirrored, int padded) where TL : struct, IFloatLanes<TL>
    {
        var block = AttentionKernel.Range(p, b, m0, rows);
        if (block.End == 0) return block;
        int d = p.HeadDim, qStride = p.Heads * d;
        if (block.StandardEnd > 0)
            SmallHeadProducts.RowsByPanel<TL>(rows, d, queries, qStride, keysT, padded, 0, block.StandardEnd, scores, padded);
        if (block.MirroredStart < block.End)
            SmallHeadProducts.RowsByPanel<TL>(rows, d, queriesMirrored, qStride, keysMirroredT, padded, block.MirroredStart, block.End, mirrored, padded);
        for (int r = 0; r < rows; r++)
            AttentionKernel.FinishScoreRow(p, b, m0 + r, new Span<float>(scores + r * padded, block.End), new ReadOnlySpan<float>(mirrored + r * padded, block.End));
        return block;
    }

    /// <summary>Keys rounded up to whole register tiles (two registers).</summary>
    private static int Padded<TL>(int keys) where TL : struct, IFloatLanes<TL> => (keys + 2 * TL.Count - 1) / (2 * TL.Count) * (2 * TL.Count);

    /// <summary>
    /// <c>destination[c, n] = source[n, c]</c> for <c>n &lt; rows</c>, <c>c &lt; d</c>; zeros in columns <c>[rows, ld)</c>.
    /// With AVX and d a multiple of 8, whole groups of 8 rows move as 8×8 register transposes
    /// (<see cref="RegisterTranspose.Block8x8"/>) and only the last <c>rows mod 8</c> one element at a time. Against an
    /// element-wise gather of every element, the Small step's attention forward + backward (B16, H8, head size 32, 2
    /// threads, interleaved) ran 1.12× faster causal (T128) and 1.14× faster BICO (T129), with the same bits.
    /// </summary>
    private static void Transpose(float* source, int sourceStride, int rows, int d, float* destination, int ld)
    {
        int whole = 0;
        if ((d & 7) == 0 && Avx.IsSupported)
        {
            whole = rows & ~7;
            for (int n = 0; n < whole; n += 8)
                for (int c = 0; c < d; c += 8)
                    RegisterTranspose.Block8x8(source + (nint)n * sourceStride + c, sourceStride, destination + (nint)c * ld + n, ld);
        }
        for (int c = 0; c < d; c++)
        {
            float* target = destination + (nint)c * ld;
            float* column = source + c;
            for (int n = whole; n < rows; n++) target[n] = column[(nint)n * sourceStride];
            new Span<float>(target + rows, ld - rows).Clear();
        }
    }
}
