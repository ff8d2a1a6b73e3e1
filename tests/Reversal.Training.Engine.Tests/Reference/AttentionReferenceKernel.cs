using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>
/// The plain reference of <see cref="AttentionKernel"/>: scaled-dot-product attention with an
/// <see cref="Reversal.Training.Attention.AttentionMaskPolicy"/>, forward and backward, computed row
/// by row: for each query only one row of scores (length Tk) exists at a time, so memory beyond the operands is
/// O(Tk) per worker plus one log-sum-exp per (row, head). Work is split over (batch row, kv head) pairs, each of
/// which owns its outputs and gradients, so results do not depend on the thread count.
/// </summary>
/// <remarks>
/// Forward, per query m of head h: <c>s_n = scale · q̃_mᵀ k̃_n</c> over visible keys (q̃, k̃ standard or mirrored per
/// pair), <c>L_m = logΣexp(s)</c>, <c>o_m = Σ_n exp(s_n − L_m) v_n</c>. A query with no visible key outputs zeros.
/// Backward, with <c>D_m = dO_mᵀ o_m</c> and <c>p_n = exp(s_n − L_m)</c>: <c>dv_n += p_n dO_m</c>,
/// <c>ds_n = p_n (dO_mᵀ v_n − D_m)</c>, <c>dq̃_m += scale · ds_n k̃_n</c>, <c>dk̃_n += scale · ds_n q̃_m</c>, with the
/// q̃/k̃ gradients routed to the standard or mirrored buffers like the scores.
/// </remarks>
internal static class AttentionReferenceKernel
{
    /// <summary>Writes <c>output [B, Tq, H, d]</c> and <c>logSumExp [B, H, Tq]</c>.</summary>
    public static void Forward(AttentionProblem p, float[] output, float[] logSumExp)
    {
        int d = p.HeadDim;
        Compute.For(p.Batch * p.KvHeads, task =>
        {
            int b = task / p.KvHeads, kvh = task % p.KvHeads;
            var scores = new float[p.KeyLength];
            for (int g = 0; g < p.Group; g++)
            {
                int h = kvh * p.Group + g;
                for (int t = 0; t < p.QueryCount(b); t++)
                {
                    int end = p.RowKeyEnd(b, t);
                    float lse = ScoreRow(p, b, h, kvh, t, end, scores);
                    logSumExp[p.StatIndex(b, h, t)] = lse;
                    var o = output.AsSpan(p.QueryIndex(b, t, h), d);
                    o.Clear();
                    if (float.IsNegativeInfinity(lse)) continue;
                    for (int n = 0; n < end; n++)
                    {
                        if (!p.KeyVisible(b, n)) continue;
                        float weight = MathF.Exp(scores[n] - lse);
                        TensorPrimitives.MultiplyAdd(p.Value.AsSpan(p.KeyIndex(b, n, kvh), d), weight, o, o);
                    }
                }
            }
        });
    }

    /// <summary>
    /// Accumulates gradients into the (rotated-space) query and key buffers and the value buffer, given the forward
    /// output, its statistics and <c>dOutput [B, Tq, H, d]</c>. Requires <c>Tq == Tk</c> and no query offset.
    /// </summary>
    public static void Backward(AttentionProblem p, float[] output, float[] logSumExp, float[] dOutput,
        float[] dQueryStandard, float[]? dQueryMirrored, float[] dKeyStandard, float[]? dKeyMirrored, float[] dValue)
    {
        int d = p.HeadDim;
        float scale = p.Scale;
        Compute.For(p.Batch * p.KvHeads, task =>
        {
            int b = task / p.KvHeads, kvh = task % p.KvHeads;
            var scores = new float[p.KeyLength];
            for (int g = 0; g < p.Group; g++)
            {
                int h = kvh * p.Group + g;
                for (int t = 0; t < p.QueryCount(b); t++)
                {
                    float lse = logSumExp[p.StatIndex(b, h, t)];
                    if (float.IsNegativeInfinity(lse)) continue;
                    int end = p.RowKeyEnd(b, t);
                    ScoreRow(p, b, h, kvh, t, end, scores);
                    int qi = p.QueryIndex(b, t, h);
                    var dO = dOutput.AsSpan(qi, d);
                    float delta = TensorPrimitives.Dot(dO, output.AsSpan(qi, d));
                    for (int n = 0; n < end; n++)
                    {
                        if (!p.KeyVisible(b, n)) continue;
                        int ki = p.KeyIndex(b, n, kvh);
                        float prob = MathF.Exp(scores[n] - lse);
                        var dv = dValue.AsSpan(ki, d);
                        TensorPrimitives.MultiplyAdd(dO, prob, dv, dv);
                        float ds = prob * (TensorPrimitives.Dot(dO, p.Value.AsSpan(ki, d)) - delta) * scale;
                        bool mirrored = p.Mirrored(b, t, n);
                        var q = (mirrored ? p.QueryMirrored! : p.QueryStandard).AsSpan(qi, d);
                        var k = (mirrored ? p.KeyMirrored! : p.KeyStandard).AsSpan(ki, d);
                        var dq = (mirrored ? dQueryMirrored! : dQueryStandard).AsSpan(qi, d);
                        var dk = (mirrored ? dKeyMirrored! : dKeyStandard).AsSpan(ki, d);
                        TensorPrimitives.MultiplyAdd(k, ds, dq, dq);
                        TensorPrimitives.MultiplyAdd(q, ds, dk, dk);
                    }
                }
            }
        });
    }

    /// <summary>Fills <c>scores[0..end)</c> for visible keys and returns the row's log-sum-exp (−∞ when none is visible).</summary>
    private static float ScoreRow(AttentionProblem p, int b, int h, int kvh, int t, int end, float[] scores)
    {
        int d = p.HeadDim, qi = p.QueryIndex(b, t, h);
        float scale = p.Scale, max = float.NegativeInfinity;
        var qStd = p.QueryStandard.AsSpan(qi, d);
        var qMir = p.Mirrors ? p.QueryMirrored.AsSpan(qi, d) : default;
        for (int n = 0; n < end; n++)
        {
            if (!p.KeyVisible(b, n)) continue;
            int ki = p.KeyIndex(b, n, kvh);
            float s = p.Mirrored(b, t, n)
                ? TensorPrimitives.Dot(qMir, p.KeyMirrored.AsSpan(ki, d))
                : TensorPrimitives.Dot(qStd, p.KeyStandard.AsSpan(ki, d));
            s *= scale;
            scores[n] = s;
            if (s > max) max = s;
        }
        if (float.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int n = 0; n < end; n++)
            if (p.KeyVisible(b, n)) sum += MathF.Exp(scores[n] - max);
        return max + (float)Math.Log(sum);
    }
}
