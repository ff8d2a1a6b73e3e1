namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>The attention patterns, restated independently of the engine's AttentionMaskPolicy.</summary>
public enum ReferenceMask
{
    /// <summary>Query index m sees key indices n ≤ m; standard RoPE for every pair.</summary>
    Causal,

    /// <summary>Every key visible; pairs with key position &gt; query position use the sine-negated RoPE (q and k).</summary>
    Bico,

    /// <summary>Queries inside the prefix P_b see exactly the prefix; later queries see n ≤ m. Mirrored like BICO.</summary>
    PrefixBidirectional,
}

/// <summary>Everything the reference attention needs besides q, k, v.</summary>
/// <param name="Batch">B.</param>
/// <param name="Length">T.</param>
/// <param name="Heads">H (query heads).</param>
/// <param name="KvHeads">Hkv (query head h reads kv head h / (H / Hkv)).</param>
/// <param name="HeadDim">d.</param>
/// <param name="Mask">Pattern.</param>
/// <param name="Positions">Position id per token [B·T].</param>
/// <param name="KeyMask">Per token [B·T]: false removes it as a key (null: all kept).</param>
/// <param name="PrefixLengths">P_b per row (PrefixBidirectional only).</param>
/// <param name="Theta">RoPE base.</param>
public sealed record ReferenceAttentionSpec(
    int Batch, int Length, int Heads, int KvHeads, int HeadDim, ReferenceMask Mask, int[] Positions,
    bool[]? KeyMask = null, int[]? PrefixLengths = null, double Theta = 10000.0)
{
    /// <summary>Whether key index n is visible to query index m of row b (mask pattern and key mask).</summary>
    public bool Visible(int b, int m, int n)
    {
        if (KeyMask is not null && !KeyMask[b * Length + n]) return false;
        return Mask switch
        {
            ReferenceMask.Causal => n <= m,
            ReferenceMask.Bico => true,
            _ => m < PrefixLengths![b] ? n < PrefixLengths[b] : n <= m,
        };
    }

    /// <summary>Whether the pair is scored with the sine-negated rotation of both q and k.</summary>
    public bool Mirrored(int b, int m, int n) =>
        Mask != ReferenceMask.Causal && Positions[b * Length + n] > Positions[b * Length + m];
}

/// <summary>
/// Float64 scaled-dot-product attention written from the definitions: RoPE (rotate-half) of q and k by position id,
/// the sine-negated rotation of BOTH for mirrored pairs, scores q̃ᵀk̃/√d, softmax over the visible unmasked keys,
/// output Σ p_n v_n, and zeros for a query with no visible key.
/// </summary>
public static class ReferenceAttention
{
    /// <summary>q [B, T, H·d], k and v [B, T, Hkv·d] → output [B, T, H·d].</summary>
    public static double[] Forward(double[] q, double[] k, double[] v, ReferenceAttentionSpec s)
    {
        int d = s.HeadDim, group = s.Heads / s.KvHeads, qWidth = s.Heads * d, kWidth = s.KvHeads * d;
        var output = new double[s.Batch * s.Length * qWidth];
        var qRot = new double[d];
        var kRot = new double[d];
        var scores = new double[s.Length];
        var visible = new bool[s.Length];
        for (int b = 0; b < s.Batch; b++)
            for (int h = 0; h < s.Heads; h++)
            {
                int kvh = h / group;
                for (int m = 0; m < s.Length; m++)
                {
                    int qOff = (b * s.Length + m) * qWidth + h * d;
                    int qPos = s.Positions[b * s.Length + m];
                    double max = double.NegativeInfinity;
                    for (int n = 0; n < s.Length; n++)
                    {
                        visible[n] = s.Visible(b, m, n);
                        if (!visible[n]) continue;
                        bool mirrored = s.Mirrored(b, m, n);
                        int kOff = (b * s.Length + n) * kWidth + kvh * d;
                        ReferenceOps.RotateHead(q.AsSpan(qOff, d), qRot, qPos, mirrored, s.Theta);
                        ReferenceOps.RotateHead(k.AsSpan(kOff, d), kRot, s.Positions[b * s.Length + n], mirrored, s.Theta);
                        double dot = 0;
                        for (int i = 0; i < d; i++) dot += qRot[i] * kRot[i];
                        scores[n] = dot / Math.Sqrt(d);
                        max = Math.Max(max, scores[n]);
                    }
                    if (double.IsNegativeInfinity(max)) continue; // no visible key: output stays zero
                    double total = 0;
                    for (int n = 0; n < s.Length; n++) if (visible[n]) total += Math.Exp(scores[n] - max);
                    for (int n = 0; n < s.Length; n++)
                    {
                        if (!visible[n]) continue;
                        double p = Math.Exp(scores[n] - max) / total;
                        int vOff = (b * s.Length + n) * kWidth + kvh * d;
                        for (int i = 0; i < d; i++) output[qOff + i] += p * v[vOff + i];
                    }
                }
            }
        return output;
    }

    /// <summary>Repeats each kv head H/Hkv times: [B·T, Hkv·d] → [B·T, H·d] (kv head j serves query heads j·g .. j·g+g−1).</summary>
    public static T[] RepeatKv<T>(T[] x, int tokens, int heads, int kvHeads, int headDim)
    {
        int group = heads / kvHeads;
        var y = new T[tokens * heads * headDim];
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < heads; h++)
                Array.Copy(x, (t * kvHeads + h / group) * headDim, y, (t * heads + h) * headDim, headDim);
        return y;
    }
}
