using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Attention;

/// <summary>The attention acceptance properties: BICO's mirrored scoring, masking and grouped-query equivalence.</summary>
public class AttentionPropertyTests
{
    // (a) With the Bico policy, a key d positions AHEAD (scored with the sine-negated rotation of q and k) scores
    // exactly like the same key d positions BEHIND under the standard rotation: both are qᵀR(−d)k.
    [Test]
    public void Bico_score_of_a_key_d_ahead_equals_the_standard_score_of_a_key_d_behind()
    {
        var rope = new RotaryEmbedding(8, 64);
        double naiveDifference = 0;
        int checks = 0;
        for (int pair = 0; pair < 3; pair++)
        {
            var q = Samples.Normal(301 + pair, 8);
            var k = Samples.Normal(311 + pair, 8);
            foreach (int m in new[] { 5, 12, 30, 50 })
                foreach (int d in new[] { 1, 2, 3, 5, 8, 13 })
                {
                    if (m - d < 0 || m + d >= 64) continue;
                    float ahead = Dot(Rotate(rope, q, m, negate: true), Rotate(rope, k, m + d, negate: true));
                    float behind = Dot(Rotate(rope, q, m, negate: false), Rotate(rope, k, m - d, negate: false));
                    // float32 rotations of two unit-variance 8-vectors: |error| ≲ 1e-6
                    Assert.That(ahead, Is.EqualTo(behind).Within(1e-5), $"pair {pair}, m = {m}, d = {d}");
                    // the float64 definition agrees: qᵀR(−d)k
                    double exact = DotD(TestData.ToDouble(q), RotateD(k, -d));
                    Assert.That(behind, Is.EqualTo(exact).Within(1e-5), $"pair {pair}, m = {m}, d = {d} vs float64");
                    // without the mirroring the key ahead would be scored as qᵀR(+d)k, generally different
                    float naive = Dot(Rotate(rope, q, m, negate: false), Rotate(rope, k, m + d, negate: false));
                    naiveDifference += Math.Abs(naive - behind);
                    checks++;
                }
        }
        Assert.That(checks, Is.GreaterThan(50));
        Assert.That(naiveDifference / checks, Is.GreaterThan(0.05), "the property is not vacuous: standard RoPE ahead ≠ behind");
    }

    // (a) end to end through the attention op: a query with two keys holding the same key vector, one d positions
    // behind and one d positions ahead, gives them equal weight under Bico, so its output is the mean of their values.
    [TestCase(10, 3)]
    [TestCase(4, 4)]
    [TestCase(20, 11)]
    public void Bico_attention_weighs_a_key_ahead_like_the_same_key_behind(int m, int d)
    {
        var rope = new RotaryEmbedding(8, 64);
        var kSame = Samples.Normal(321, 8);
        var kData = kSame.Concat(Samples.Normal(322, 8, std: 5)).Concat(kSame).ToArray();
        var q = Tensor.FromArray(Samples.Normal(323, 24, std: 2), 1, 3, 8);
        var k = Tensor.FromArray(kData, 1, 3, 8);
        var vData = Samples.Normal(324, 24);
        var v = Tensor.FromArray(vData, 1, 3, 8);
        // index 0: position m − d, index 1 (the query): m, index 2: m + d; the query's own key is masked out.
        var context = new AttentionContext(1, 1, rope, AttentionMaskPolicy.Bico, [m - d, m, m + d], [true, false, true]);
        var output = Functional.ScaledDotProductAttention(q, k, v, context).ToArray();
        for (int i = 0; i < 8; i++)
            Assert.That(output[8 + i], Is.EqualTo(0.5 * (vData[i] + vData[16 + i])).Within(1e-5), $"component {i}");
    }

    // (b) With every future key removed by the key mask, Bico attention equals causal attention (bit for bit):
    // run one call per query m whose key mask also removes the keys after m.
    [Test]
    public void Bico_with_every_future_key_masked_equals_causal()
    {
        var c = AttentionCase.Create(ReferenceMask.Bico, 7, monotonicPositions: true);
        var q = TestData.Constant(331, 2, 7, c.QueryWidth);
        var k = TestData.Constant(332, 2, 7, c.KeyWidth);
        var v = TestData.Constant(333, 2, 7, c.KeyWidth);
        var causal = Functional.ScaledDotProductAttention(q, k, v, c.Context(policy: AttentionMaskPolicy.Causal)).ToArray();
        for (int m = 0; m < 7; m++)
        {
            var mask = (bool[])c.KeyMask!.Clone();
            for (int b = 0; b < 2; b++)
                for (int n = m + 1; n < 7; n++) mask[b * 7 + n] = false;
            var bico = Functional.ScaledDotProductAttention(q, k, v, c.Context(keyMask: mask, policy: AttentionMaskPolicy.Bico)).ToArray();
            for (int b = 0; b < 2; b++)
            {
                int row = (b * 7 + m) * c.QueryWidth;
                Compare.Identical(bico.AsSpan(row, c.QueryWidth), causal.AsSpan(row, c.QueryWidth), $"row {b}, query {m}");
            }
        }
    }

    // (b) the same through the last query alone: when the query is the last token, Bico has no future key to mirror.
    [Test]
    public void Bico_equals_causal_for_the_last_query()
    {
        var c = AttentionCase.Create(ReferenceMask.Bico, 5, monotonicPositions: true);
        var q = TestData.Constant(334, 2, 5, c.QueryWidth);
        var k = TestData.Constant(335, 2, 5, c.KeyWidth);
        var v = TestData.Constant(336, 2, 5, c.KeyWidth);
        var bico = Functional.ScaledDotProductAttention(q, k, v, c.Context(policy: AttentionMaskPolicy.Bico)).ToArray();
        var causal = Functional.ScaledDotProductAttention(q, k, v, c.Context(policy: AttentionMaskPolicy.Causal)).ToArray();
        for (int b = 0; b < 2; b++)
        {
            int row = (b * 5 + 4) * c.QueryWidth;
            Compare.Identical(bico.AsSpan(row, c.QueryWidth), causal.AsSpan(row, c.QueryWidth), $"row {b}, last query");
        }
        // and a non-last query does differ (the future keys matter under Bico)
        Assert.That(bico.AsSpan(0, c.QueryWidth).SequenceEqual(causal.AsSpan(0, c.QueryWidth)), Is.False);
    }

    // (c) Placeholder keys (key mask false) get exactly zero weight: their keys and values can be anything.
    [TestCase(ReferenceMask.Causal)]
    [TestCase(ReferenceMask.Bico)]
    [TestCase(ReferenceMask.PrefixBidirectional)]
    public void Masked_keys_have_exactly_zero_weight(ReferenceMask policy)
    {
        var c = AttentionCase.Create(policy, 7);
        var qData = Samples.Normal(341, 2 * 7 * c.QueryWidth);
        var kData = Samples.Normal(342, 2 * 7 * c.KeyWidth);
        var vData = Samples.Normal(343, 2 * 7 * c.KeyWidth);
        var w = TestData.Constant(344, 2, 7, c.QueryWidth);
        var (out1, dq1, dk1, dv1) = Run(c, qData, kData, vData, w);

        var k2 = (float[])kData.Clone();
        var v2 = (float[])vData.Clone();
        var noise = Samples.Normal(345, c.KeyWidth, std: 1000);
        int masked = 0;
        for (int token = 0; token < 2 * 7; token++)
        {
            if (c.KeyMask![token]) continue;
            masked++;
            for (int i = 0; i < c.KeyWidth; i++)
            {
                k2[token * c.KeyWidth + i] = noise[i];
                v2[token * c.KeyWidth + i] = -noise[i];
            }
        }
        Assert.That(masked, Is.EqualTo(3));
        var (out2, dq2, dk2, dv2) = Run(c, qData, k2, v2, w);
        Compare.Identical(out2, out1, "output after changing masked keys and values");
        Compare.Identical(dq2, dq1, "query gradient after changing masked keys and values");
        for (int token = 0; token < 2 * 7; token++)
        {
            if (c.KeyMask![token]) continue;
            Assert.That(dk1.Skip(token * c.KeyWidth).Take(c.KeyWidth), Is.All.EqualTo(0f), $"key gradient of masked token {token}");
            Assert.That(dv1.Skip(token * c.KeyWidth).Take(c.KeyWidth), Is.All.EqualTo(0f), $"value gradient of masked token {token}");
        }
        Compare.Identical(dk2, dk1, "key gradients");
        Compare.Identical(dv2, dv1, "value gradients");
    }

    // (d) Causal attention with grouped-query heads equals multi-head attention over repeated keys and values.
    [Test]
    public void Causal_grouped_query_attention_equals_repeated_kv_multi_head_attention()
    {
        var c = AttentionCase.Create(ReferenceMask.Causal, 7);
        const int tokens = 2 * 7;
        var qData = Samples.Normal(351, tokens * c.QueryWidth);
        var kData = Samples.Normal(352, tokens * c.KeyWidth);
        var vData = Samples.Normal(353, tokens * c.KeyWidth);
        var kRep = ReferenceAttention.RepeatKv(kData, tokens, AttentionCase.Heads, AttentionCase.KvHeads, AttentionCase.HeadDim);
        var vRep = ReferenceAttention.RepeatKv(vData, tokens, AttentionCase.Heads, AttentionCase.KvHeads, AttentionCase.HeadDim);
        var w = TestData.Constant(354, 2, 7, c.QueryWidth);

        var (gqa, dqG, dkG, dvG) = Run(c, qData, kData, vData, w);
        var (mha, dqM, dkM, dvM) = Run(c, qData, kRep, vRep, w, kvHeads: AttentionCase.Heads);

        // identical arithmetic per (query, head): bit-identical outputs and query gradients
        Compare.Identical(gqa, mha, "GQA vs repeated-kv MHA output");
        Compare.Identical(dqG, dqM, "GQA vs repeated-kv MHA query gradient");
        // the float64 repeated-kv multi-head reference
        var reference = ReferenceAttention.Forward(TestData.ToDouble(qData), TestData.ToDouble(kRep), TestData.ToDouble(vRep), c.Spec(kvHeads: AttentionCase.Heads));
        Compare.Close(gqa, reference, new Tolerance(2e-6, 1e-5), "GQA vs float64 repeated-kv MHA reference");
        // a kv head's gradient is the sum over the query heads that share it (summation order differs: 1 rounding)
        var group = AttentionCase.Heads / AttentionCase.KvHeads;
        var dkSum = new double[dkG.Length];
        var dvSum = new double[dvG.Length];
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < AttentionCase.Heads; h++)
                for (int i = 0; i < AttentionCase.HeadDim; i++)
                {
                    int src = (t * AttentionCase.Heads + h) * AttentionCase.HeadDim + i;
                    int dst = (t * AttentionCase.KvHeads + h / group) * AttentionCase.HeadDim + i;
                    dkSum[dst] += dkM[src];
                    dvSum[dst] += dvM[src];
                }
        Compare.Close(dkG, dkSum, new Tolerance(1e-6, 1e-6), "GQA key gradient vs summed MHA key gradients");
        Compare.Close(dvG, dvSum, new Tolerance(1e-6, 1e-6), "GQA value gradient vs summed MHA value gradients");
    }

    private static (float[] Output, float[] Dq, float[] Dk, float[] Dv) Run(AttentionCase c, float[] q, float[] k, float[] v, Tensor w, int kvHeads = AttentionCase.KvHeads)
    {
        int width = kvHeads * AttentionCase.HeadDim;
        var tq = Tensor.FromArray((float[])q.Clone(), 2, c.Length, c.QueryWidth).RequireGrad();
        var tk = Tensor.FromArray((float[])k.Clone(), 2, c.Length, width).RequireGrad();
        var tv = Tensor.FromArray((float[])v.Clone(), 2, c.Length, width).RequireGrad();
        var output = Functional.ScaledDotProductAttention(tq, tk, tv, c.Context(kvHeads: kvHeads));
        Functional.Sum(Functional.Multiply(output, w)).Backward();
        return (output.ToArray(), tq.Grad!.ToArray(), tk.Grad!.ToArray(), tv.Grad!.ToArray());
    }

    private static float[] Rotate(RotaryEmbedding rope, float[] x, int position, bool negate)
    {
        var y = new float[x.Length];
        rope.Rotate(x, y, position, negate);
        return y;
    }

    private static double[] RotateD(float[] x, int position)
    {
        var y = new double[x.Length];
        ReferenceOps.RotateHead(TestData.ToDouble(x), y, position, negateSine: false);
        return y;
    }

    private static float Dot(float[] a, float[] b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double DotD(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
