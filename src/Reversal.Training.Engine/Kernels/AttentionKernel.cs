using System.Buffers;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Kernels;

/// <summary>
/// Tiled scaled-dot-product attention with an <see cref="Reversal.Training.Attention.AttentionMaskPolicy"/>, forward and backward.
/// Queries are processed in blocks of <see cref="QueryBlock"/> rows; each block's scores against its visible key range
/// are computed with SGEMM, soft-maxed in place, and multiplied into the output. When a task has several query blocks,
/// its keys (both rotations) and values are packed for SGEMM once (<see cref="Sgemm.PackB"/>) instead of once per block:
/// the same products, bit for bit. Memory beyond the operands is <c>O(QueryBlock · Tk + Tk · d)</c> per worker plus one
/// log-sum-exp per (row, head): linear in T, the <c>T × T</c> matrix never exists.
/// </summary>
/// <remarks>
/// <para><b>Key ranges.</b> Every policy's visible keys of a row are a prefix <c>[0, KeyEnd)</c>; a block only touches
/// <c>[0, E)</c> with E the largest KeyEnd of its rows, so causal blocks skip every key tile above the diagonal.</para>
/// <para><b>Mirrored RoPE.</b> A pair uses the sine-negated rotation when the key's position is after the query's. For a
/// block, the standard scores are needed only for keys up to the last one whose position is ≤ the block's largest
/// query position (<c>stdEnd</c>), and the mirrored scores only from the first key whose position is greater than the
/// block's smallest query position (<c>flipStart</c>). For BICO (positions = indices) these ranges overlap only on the
/// diagonal block, so a BICO pass costs about one full bidirectional pass.</para>
/// <para><b>Backward</b> recomputes each block's probabilities from the saved log-sum-exp (no probability matrix is
/// kept): <c>dV += Pᵀ dO</c>, <c>dP = dO Vᵀ</c>, <c>dS = P ∘ (dP − rowsum(dO ∘ O)) · scale</c>, then dS is split into its
/// standard and mirrored parts for <c>dQ̃ += dS K̃</c> and <c>dK̃ += dSᵀ Q̃</c>.</para>
/// <para><b>Row exactness.</b> Each query row's softmax runs over its keys up to its last visible (unmasked) one, and the
/// probabilities after it are exact zeros in the block's product with V (adding <c>0·v</c> to a non-zero running sum
/// is exact). A row's output is therefore bit-identical whatever other rows share its block or batch: right padding
/// after a row, or another row's longer range, never changes it. Batched decoding relies on this.</para>
/// <para><b>Ragged queries.</b> Each row walks its own <see cref="AttentionProblem.QueryCount"/> queries, so the
/// blocks of a row in a packed decoding step are the blocks it would have alone.</para>
/// <para><b>Determinism.</b> Work is split over (batch row, kv head) tasks, each owning its outputs and gradients and
/// walking its blocks in a fixed order; SGEMM calls inside a task run on the task's thread. Results are bit-identical
/// for every thread count.</para>
/// </remarks>
internal static class AttentionKernel
{
    /// <summary>
    /// Query rows per block: the least multiple of SGEMM's tile rows that is at least 32 (36 for the 6-row AVX2 kernel,
    /// 32 for the 8- and 4-row ones), so the block's products have no partly empty strip. Results do not depend on it
    /// (see the remarks on row exactness); a T1024 causal forward + backward on AVX2 ran about 10% faster at 36 than at 32.
    /// </summary>
    public static int QueryBlock => (32 + Sgemm.TileRows - 1) / Sgemm.TileRows * Sgemm.TileRows;

    /// <summary>
    /// Writes <c>output [B, Tq, H, d]</c> and <c>logSumExp [B, H, Tq]</c>: through <see cref="SmallHeadAttention"/> when it
    /// takes the problem (the same bits), else through <see cref="TiledForward"/>.
    /// </summary>
    public static void Forward(AttentionProblem p, float[] output, float[] logSumExp)
    {
        if (SmallHeadAttention.Supports(p)) SmallHeadAttention.Forward(p, output, logSumExp);
        else TiledForward(p, output, logSumExp);
    }

    /// <summary>The tiled forward on SGEMM (any head size and length): writes <c>output</c> and <c>logSumExp</c>.</summary>
    internal static void TiledForward(AttentionProblem p, float[] output, float[] logSumExp)
    {
        int d = p.HeadDim, qStride = p.Heads * d, kStride = p.KvHeads * d, ld = Math.Max(1, p.KeyLength), queryBlock = QueryBlock;
        Compute.For(p.Batch * p.KvHeads, task =>
        {
            int b = task / p.KvHeads, kvh = task % p.KvHeads, queries = p.QueryCount(b);
            var pool = ArrayPool<float>.Shared;
            float[] scores = pool.Rent(queryBlock * ld), mirrored = pool.Rent(p.Mirrors ? queryBlock * ld : 1);
            int kv0 = p.KeyIndex(b, 0, kvh);
            bool reused = queries * p.Group > queryBlock;
            using PackedB? keysT = reused ? Sgemm.PackB(true, d, p.KeyLength, p.KeyStandard.AsSpan(kv0), kStride) : null;
            using PackedB? keysMirroredT = reused && p.Mirrors ? Sgemm.PackB(true, d, p.KeyLength, p.KeyMirrored!.AsSpan(kv0), kStride) : null;
            using PackedB? values = reused ? Sgemm.PackB(false, p.KeyLength, d, p.Value.AsSpan(kv0), kStride) : null;
            try
            {
                for (int g = 0; g < p.Group; g++)
                {
                    int h = kvh * p.Group + g;
                    for (int m0 = 0; m0 < queries; m0 += queryBlock)
                    {
                        int rows = Math.Min(queryBlock, queries - m0);
                        var block = ScoreBlock(p, b, h, kvh, m0, rows, scores, mirrored, keysT, keysMirroredT);
                        for (int r = 0; r < rows; r++)
                            logSumExp[p.StatIndex(b, h, m0 + r)] = SoftmaxRow(p, b, m0 + r, scores.AsSpan(r * ld, block.End));
                        var o = output.AsSpan(p.QueryIndex(b, m0, h));
                        if (block.End == 0)
                        {
                            for (int r = 0; r < rows; r++) o.Slice(r * qStride, d).Clear();
                            continue;
                        }
                        if (values is not null) Sgemm.MultiplyPacked(false, rows, d, block.End, scores, ld, values, o, qStride);
                        else Sgemm.Multiply(false, false, rows, d, block.End, scores, ld, p.Value.AsSpan(kv0), kStride, o, qStride);
                    }
                }
            }
            finally
            {
                pool.Return(scores);
                pool.Return(mirrored);
            }
        });
    }

    /// <summary>
    /// Accumulates the gradients of the rotated queries and keys (standard and mirrored parts) and of the values, given
    /// the forward output, its log-sum-exp and <c>dOutput [B, Tq, H, d]</c>. Requires <c>Tq == Tk</c> and no query offset.
    /// </summary>
    public static void Backward(AttentionProblem p, float[] output, float[] logSumExp, float[] dOutput,
        float[] dQueryStandard, float[]? dQueryMirrored, float[] dKeyStandard, float[]? dKeyMirrored, float[] dValue)
    {
        if (SmallHeadAttention.Supports(p))
            SmallHeadAttention.Backward(p, output, logSumExp, dOutput, dQueryStandard, dQueryMirrored, dKeyStandard, dKeyMirrored, dValue);
        else TiledBackward(p, output, logSumExp, dOutput, dQueryStandard, dQueryMirrored, dKeyStandard, dKeyMirrored, dValue);
    }

    /// <summary>The tiled backward on SGEMM (any head size and length); see <see cref="Backward"/>.</summary>
    internal static void TiledBackward(AttentionProblem p, float[] output, float[] logSumExp, float[] dOutput,
        float[] dQueryStandard, float[]? dQueryMirrored, float[] dKeyStandard, float[]? dKeyMirrored, float[] dValue)
    {
        int d = p.HeadDim, qStride = p.Heads * d, kStride = p.KvHeads * d, ld = Math.Max(1, p.KeyLength), queryBlock = QueryBlock;
        float scale = p.Scale;
        Compute.For(p.Batch * p.KvHeads, task =>
        {
            int b = task / p.KvHeads, kvh = task % p.KvHeads;
            var pool = ArrayPool<float>.Shared;
            float[] probs = pool.Rent(queryBlock * ld), mirrored = pool.Rent(queryBlock * ld), dScores = pool.Rent(queryBlock * ld);
            int kv0 = p.KeyIndex(b, 0, kvh);
            bool reused = p.QueryCount(b) * p.Group > queryBlock;
            using PackedB? keysT = reused ? Sgemm.PackB(true, d, p.KeyLength, p.KeyStandard.AsSpan(kv0), kStride) : null;
            using PackedB? keys = reused ? Sgemm.PackB(false, p.KeyLength, d, p.KeyStandard.AsSpan(kv0), kStride) : null;
            using PackedB? valuesT = reused ? Sgemm.PackB(true, d, p.KeyLength, p.Value.AsSpan(kv0), kStride) : null;
            using PackedB? keysMirroredT = reused && p.Mirrors ? Sgemm.PackB(true, d, p.KeyLength, p.KeyMirrored!.AsSpan(kv0), kStride) : null;
            using PackedB? keysMirrored = reused && p.Mirrors ? Sgemm.PackB(false, p.KeyLength, d, p.KeyMirrored!.AsSpan(kv0), kStride) : null;
            try
            {
                for (int g = 0; g < p.Group; g++)
                {
                    int h = kvh * p.Group + g;
                    for (int m0 = 0; m0 < p.QueryCount(b); m0 += queryBlock)
                    {
                        int rows = Math.Min(queryBlock, p.QueryCount(b) - m0);
                        var block = ScoreBlock(p, b, h, kvh, m0, rows, probs, mirrored, keysT, keysMirroredT);
                        int end = block.End;
                        if (end == 0) continue;
                        int q0 = p.QueryIndex(b, m0, h);
                        for (int r = 0; r < rows; r++)
                            ProbabilitiesRow(probs.AsSpan(r * ld, end), logSumExp[p.StatIndex(b, h, m0 + r)]);
                        var dO = dOutput.AsSpan(q0);
                        // dV[0:E] += Pᵀ · dO
                        Sgemm.Multiply(true, false, end, d, rows, probs, ld, dO, qStride, dValue.AsSpan(kv0), kStride, accumulate: true);
                        // dP = dO · V[0:E]ᵀ
                        if (valuesT is not null) Sgemm.MultiplyPacked(false, rows, end, d, dO, qStride, valuesT, dScores, ld);
                        else Sgemm.Multiply(false, true, rows, end, d, dO, qStride, p.Value.AsSpan(kv0), kStride, dScores, ld);
                        for (int r = 0; r < rows; r++)
                        {
                            float delta = System.Numerics.Tensors.TensorPrimitives.Dot(dOutput.AsSpan(q0 + r * qStride, d), output.AsSpan(q0 + r * qStride, d));
                            ScoreGradientRow(p, b, m0 + r, dScores.AsSpan(r * ld, end), probs.AsSpan(r * ld, end), mirrored.AsSpan(r * ld, end), delta, scale);
                        }
                        if (block.StandardEnd > 0)
                        {
                            int n1 = block.StandardEnd;
                            if (keys is not null)
                                Sgemm.MultiplyPacked(false, rows, d, n1, dScores, ld, keys, dQueryStandard.AsSpan(q0), qStride, accumulate: true);
                            else
                                Sgemm.Multiply(false, false, rows, d, n1, dScores, ld, p.KeyStandard.AsSpan(kv0), kStride,
                                    dQueryStandard.AsSpan(q0), qStride, accumulate: true);
                            Sgemm.Multiply(true, false, n1, d, rows, dScores, ld, p.QueryStandard.AsSpan(q0), qStride,
                                dKeyStandard.AsSpan(kv0), kStride, accumulate: true);
                        }
                        if (block.MirroredStart < end)
                        {
                            int n0 = block.MirroredStart, width = end - n0, k0 = p.KeyIndex(b, n0, kvh);
                            if (keysMirrored is not null)
                                Sgemm.MultiplyPacked(false, rows, d, width, mirrored.AsSpan(n0), ld, keysMirrored, depthOffset: n0, columnOffset: 0,
                                    dQueryMirrored.AsSpan(q0), qStride, accumulate: true);
                            else
                                Sgemm.Multiply(false, false, rows, d, width, mirrored.AsSpan(n0), ld, p.KeyMirrored.AsSpan(k0), kStride,
                                    dQueryMirrored.AsSpan(q0), qStride, accumulate: true);
                            Sgemm.Multiply(true, false, width, d, rows, mirrored.AsSpan(n0), ld, p.QueryMirrored.AsSpan(q0), qStride,
                                dKeyMirrored.AsSpan(k0), kStride, accumulate: true);
                        }
                    }
                }
            }
            finally
            {
                pool.Return(probs);
                pool.Return(mirrored);
                pool.Return(dScores);
            }
        });
    }

    /// <summary>The key ranges a block touched.</summary>
    /// <param name="End">Keys <c>[0, End)</c> may be visible to some row of the block.</param>
    /// <param name="StandardEnd">Standard-rotation scores were computed for <c>[0, StandardEnd)</c>.</param>
    /// <param name="MirroredStart">Mirrored-rotation scores were computed for <c>[MirroredStart, End)</c>.</param>
    internal readonly record struct BlockRange(int End, int StandardEnd, int MirroredStart);

    /// <summary>
    /// Fills <c>scores[r, 0:End)</c> (row stride Tk) with the scaled score of every visible pair and −∞ elsewhere, using
    /// <paramref name="mirroredScratch"/> for the mirrored-rotation products and, when given, the task's prepacked
    /// standard keys <paramref name="keysT"/> (<c>Kᵀ</c>, d × Tk) and mirrored keys <paramref name="keysMirroredT"/>. With the
    /// latter, the mirrored products start at the packed panel holding the block's first mirrored key, so a few scratch
    /// entries before it are computed too and never read.
    /// </summary>
    private static BlockRange ScoreBlock(AttentionProblem p, int b, int h, int kvh, int m0, int rows, float[] scores, float[] mirroredScratch,
        PackedB? keysT, PackedB? keysMirroredT)
    {
        int d = p.HeadDim, qStride = p.Heads * d, kStride = p.KvHeads * d, ld = Math.Max(1, p.KeyLength);
        var range = Range(p, b, m0, rows);
        int end = range.End, standardEnd = range.StandardEnd, mirroredStart = range.MirroredStart;
        if (end == 0) return range;
        int q0 = p.QueryIndex(b, m0, h);
        if (standardEnd > 0 && keysT is not null)
            Sgemm.MultiplyPacked(false, rows, standardEnd, d, p.QueryStandard.AsSpan(q0), qStride, keysT, scores, ld);
        else if (standardEnd > 0)
            Sgemm.Multiply(false, true, rows, standardEnd, d, p.QueryStandard.AsSpan(q0), qStride,
                p.KeyStandard.AsSpan(p.KeyIndex(b, 0, kvh)), kStride, scores, ld);
        if (mirroredStart < end && keysMirroredT is not null)
        {
            int start = mirroredStart / keysMirroredT.PanelWidth * keysMirroredT.PanelWidth;
            Sgemm.MultiplyPacked(false, rows, end - start, d, p.QueryMirrored.AsSpan(q0), qStride, keysMirroredT, depthOffset: 0, columnOffset: start,
                mirroredScratch.AsSpan(start), ld);
        }
        else if (mirroredStart < end)
            Sgemm.Multiply(false, true, rows, end - mirroredStart, d, p.QueryMirrored.AsSpan(q0), qStride,
                p.KeyMirrored.AsSpan(p.KeyIndex(b, mirroredStart, kvh)), kStride, mirroredScratch.AsSpan(mirroredStart), ld);
        for (int r = 0; r < rows; r++)
            FinishScoreRow(p, b, m0 + r, scores.AsSpan(r * ld, end), p.Mirrors ? mirroredScratch.AsSpan(r * ld, end) : default);
        return range;
    }

    /// <summary>
    /// The key ranges of the block of query rows <c>[m0, m0 + rows)</c> of batch row b: the largest key end of its rows,
    /// and where the standard and mirrored scores are needed (see the remarks on mirrored RoPE).
    /// </summary>
    internal static BlockRange Range(AttentionProblem p, int b, int m0, int rows)
    {
        int end = 0, minPosition = int.MaxValue, maxPosition = int.MinValue;
        for (int r = 0; r < rows; r++)
        {
            int t = m0 + r;
            end = Math.Max(end, p.RowKeyEnd(b, t));
            int position = p.QueryPosition(b, t);
            minPosition = Math.Min(minPosition, position);
            maxPosition = Math.Max(maxPosition, position);
        }
        if (end == 0) return new BlockRange(0, 0, 0);
        if (!p.Mirrors) return new BlockRange(end, end, end);
        if (p.KeyPositionsAscending(b))
            return new BlockRange(end, Math.Min(p.FirstKeyAfter(b, maxPosition), end), Math.Min(p.FirstKeyAfter(b, minPosition), end));
        int standardEnd = 0, mirroredStart = end;
        var keyPositions = p.KeyPositions.AsSpan(b * p.KeyLength, p.KeyLength);
        for (int n = 0; n < end; n++)
        {
            if (keyPositions[n] <= maxPosition) standardEnd = n + 1;
            if (keyPositions[n] > minPosition && mirroredStart == end) mirroredStart = n;
        }
        return new BlockRange(end, standardEnd, mirroredStart);
    }

    /// <summary>
    /// Turns the raw products of query t of batch row b over the block's keys <c>[0, end)</c> into its scaled, masked
    /// scores in <paramref name="row"/>: the standard product where the pair uses standard RoPE, the mirrored one
    /// (<paramref name="mirroredRow"/>, aligned with <paramref name="row"/>) where it uses the sine-negated rotation,
    /// times the scale; −∞ after the row's key end and at masked keys.
    /// </summary>
    internal static void FinishScoreRow(AttentionProblem p, int b, int t, Span<float> row, ReadOnlySpan<float> mirroredRow)
    {
        float scale = p.Scale;
        int end = row.Length, rowEnd = Math.Min(p.RowKeyEnd(b, t), end);
        if (!p.Mirrors)
        {
            RowSoftmax.Scale(row[..rowEnd], scale, row);
        }
        else if (p.KeyPositionsAscending(b))
        {
            // Keys after the query's position form one suffix: standard scores before it, mirrored ones from it.
            int split = Math.Min(p.FirstKeyAfter(b, p.QueryPosition(b, t)), rowEnd);
            RowSoftmax.Scale(row[..split], scale, row);
            RowSoftmax.Scale(mirroredRow[split..rowEnd], scale, row[split..]);
        }
        else
        {
            for (int n = 0; n < rowEnd; n++) row[n] = scale * (p.Mirrored(b, t, n) ? mirroredRow[n] : row[n]);
        }
        row[rowEnd..].Fill(float.NegativeInfinity);
        if (p.KeyMask is not null)
        {
            var keyMask = p.KeyMask.AsSpan(b * p.KeyLength, rowEnd);
            for (int n = 0; n < rowEnd; n++)
                if (!keyMask[n]) row[n] = float.NegativeInfinity;
        }
    }

    /// <summary>
    /// Replaces the scores of query t of batch row b (the block's keys <c>[0, end)</c>) by its probabilities and returns
    /// the log-sum-exp. Row-exact: the softmax covers only the row's keys up to its last visible one, so a row's output
    /// does not depend on which other rows share its block, nor on masked keys after its last visible key (the
    /// probabilities after it are exact zeros).
    /// </summary>
    internal static float SoftmaxRow(AttentionProblem p, int b, int t, Span<float> row)
    {
        int rowEnd = Math.Min(p.RowKeyEnd(b, t), row.Length);
        while (rowEnd > 0 && float.IsNegativeInfinity(row[rowEnd - 1])) rowEnd--;
        float logSumExp = RowSoftmax.SoftmaxInPlace(row[..rowEnd]);
        row[rowEnd..].Clear();
        return logSumExp;
    }

    /// <summary>Recomputes a row's probabilities in place from its scores and saved log-sum-exp (zeros for an empty row).</summary>
    internal static void ProbabilitiesRow(Span<float> row, float logSumExp)
    {
        if (float.IsNegativeInfinity(logSumExp)) row.Clear();
        else RowSoftmax.ExpShifted(row, logSumExp, row);
    }

    /// <summary>
    /// The score gradient of query t of batch row b over the block's keys: <c>dS = P ∘ (dP − δ) · scale</c> in place of
    /// <paramref name="scoreGradient"/> (holding dP), then, when the policy mirrors, the pairs scored with the mirrored
    /// rotation moved to <paramref name="mirroredGradient"/> (zeros elsewhere, and zeros left in their place).
    /// </summary>
    internal static void ScoreGradientRow(AttentionProblem p, int b, int t, Span<float> scoreGradient, ReadOnlySpan<float> probabilities,
        Span<float> mirroredGradient, float delta, float scale)
    {
        RowSoftmax.ScoreGradientInPlace(scoreGradient, probabilities, delta, scale);
        if (!p.Mirrors) return;
        int end = scoreGradient.Length;
        if (p.KeyPositionsAscending(b))
        {
            int split = Math.Min(p.FirstKeyAfter(b, p.QueryPosition(b, t)), end);
            mirroredGradient[..split].Clear();
            scoreGradient[split..].CopyTo(mirroredGradient[split..end]);
            scoreGradient[split..].Clear();
            return;
        }
        for (int n = 0; n < end; n++)
        {
            bool isMirrored = p.Mirrored(b, t, n);
            mirroredGradient[n] = isMirrored ? scoreGradient[n] : 0f;
            if (isMirrored) scoreGradient[n] = 0f;
        }
    }
}
