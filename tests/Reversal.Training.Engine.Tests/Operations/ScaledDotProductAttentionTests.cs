using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

/// <summary>
/// Scaled-dot-product attention against the float64 reference for every policy, with GQA (4 heads over 2 kv heads),
/// a key mask, custom position ids, batch 2 and odd lengths.
/// </summary>
public class ScaledDotProductAttentionTests
{
    // Forward: float32 RoPE, d = 4 dot products, exp and a weighted sum of unit-variance values: |error| ≲ 1e-6.
    // Backward: probabilities times differences of O(1) dot products, plus the inverse rotation: |error| ≲ 2e-6.
    private static readonly Tolerance Forward = new(2e-6, 1e-5);
    private static readonly Tolerance Gradient = new(2e-6, 1e-5);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var mask in new[] { ReferenceMask.Causal, ReferenceMask.Bico, ReferenceMask.PrefixBidirectional })
            foreach (int length in new[] { 1, 5, 7 })
                yield return new TestCaseData(mask, length).SetArgDisplayNames(mask.ToString(), $"T={length}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Matches_reference_and_finite_differences(ReferenceMask mask, int length)
    {
        var c = AttentionCase.Create(mask, length);
        var ctx = c.Context();
        var spec = c.Spec();
        Run([Input(171 + length, 2, length, c.QueryWidth), Input(181 + length, 2, length, c.KeyWidth), Input(191 + length, 2, length, c.KeyWidth)],
            t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], ctx),
            x => ReferenceAttention.Forward(x[0], x[1], x[2], spec), Forward, Gradient);
    }

    [TestCaseSource(nameof(Cases))]
    public void Without_key_mask_matches_reference(ReferenceMask mask, int length)
    {
        var c = AttentionCase.Create(mask, length, withKeyMask: false);
        var ctx = c.Context();
        var spec = c.Spec();
        Run([Input(201 + length, 2, length, c.QueryWidth), Input(211 + length, 2, length, c.KeyWidth), Input(221 + length, 2, length, c.KeyWidth)],
            t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], ctx),
            x => ReferenceAttention.Forward(x[0], x[1], x[2], spec), Forward, Gradient);
    }

    [Test]
    public void Multi_head_without_grouping_matches_reference()
    {
        var c = AttentionCase.Create(ReferenceMask.Bico, 5);
        var ctx = c.Context(heads: 2, kvHeads: 2);
        var spec = c.Spec(heads: 2, kvHeads: 2);
        Run([Input(231, 2, 5, 8), Input(232, 2, 5, 8), Input(233, 2, 5, 8)],
            t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], ctx),
            x => ReferenceAttention.Forward(x[0], x[1], x[2], spec), Forward, Gradient);
    }

    /// <summary>
    /// RoPE runs in parallel blocks of 512 tokens here (32 floats per token), both ways and back. Three rows of 200 tokens
    /// span two blocks together but one alone, so the batch must give each row's outputs and gradients bit for bit as
    /// that row alone; q and k also get a second gradient first, so the inverse rotation adds instead of writing.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Rows_spanning_several_rotation_blocks_match_each_row_alone(bool bico)
    {
        const int rows = 3, length = 200, heads = 4, d = 8;
        var policy = bico ? AttentionMaskPolicy.Bico : AttentionMaskPolicy.Causal;
        var rope = new RotaryEmbedding(d, length);
        float[] qData = Samples.Normal(251, rows * length * heads * d), kData = Samples.Normal(252, rows * length * heads * d);
        float[] vData = Samples.Normal(253, rows * length * heads * d), weights = Samples.Normal(254, rows * length * heads * d);

        (float[] Output, float[] Dq, float[] Dk, float[] Dv) Run(int first, int count, bool extraGradient)
        {
            int n = count * length * heads * d, start = first * length * heads * d;
            Tensor Leaf(float[] data) => Tensor.FromArray(data[start..(start + n)], count, length, heads * d).RequireGrad();
            var q = Leaf(qData); var k = Leaf(kData); var v = Leaf(vData);
            var positions = Enumerable.Range(0, count * length).Select(i => i % length).ToArray();
            var output = Functional.ScaledDotProductAttention(q, k, v, new AttentionContext(heads, heads, rope, policy, positions, null));
            var loss = Functional.Sum(Functional.Multiply(output, Tensor.FromArray(weights[start..(start + n)], count, length, heads * d)));
            // Recorded after the attention, so their backward runs first and q and k already have a gradient.
            if (extraGradient) loss = Functional.Add(loss, Functional.Add(Functional.Sum(q), Functional.Sum(k)));
            loss.Backward();
            return (output.ToArray(), q.Grad!.ToArray(), k.Grad!.ToArray(), v.Grad!.ToArray());
        }

        var batched = Run(0, rows, extraGradient: false);
        var withExtra = Run(0, rows, extraGradient: true);
        int size = length * heads * d;
        for (int r = 0; r < rows; r++)
        {
            var alone = Run(r, 1, extraGradient: false);
            Assert.That(batched.Output[(r * size)..((r + 1) * size)], Is.EqualTo(alone.Output), $"row {r} output");
            Assert.That(batched.Dq[(r * size)..((r + 1) * size)], Is.EqualTo(alone.Dq), $"row {r} dq");
            Assert.That(batched.Dk[(r * size)..((r + 1) * size)], Is.EqualTo(alone.Dk), $"row {r} dk");
            Assert.That(batched.Dv[(r * size)..((r + 1) * size)], Is.EqualTo(alone.Dv), $"row {r} dv");
        }
        Assert.That(withExtra.Dq, Is.EqualTo(batched.Dq.Select(g => g + 1f)).Within(1e-5f), "dq with a gradient already there");
        Assert.That(withExtra.Dk, Is.EqualTo(batched.Dk.Select(g => g + 1f)).Within(1e-5f), "dk with a gradient already there");
    }

    [Test]
    public void Large_scores_stay_finite()
    {
        // q and k of std 8: scores of several hundred; the softmax must subtract its maximum.
        var c = AttentionCase.Create(ReferenceMask.Bico, 5);
        var ctx = c.Context();
        var spec = c.Spec();
        var q = (Samples.Normal(234, 2 * 5 * 16, std: 8.0), new[] { 2, 5, 16 });
        var k = (Samples.Normal(235, 2 * 5 * 8, std: 8.0), new[] { 2, 5, 8 });
        var (output, _) = Run([q, k, Input(236, 2, 5, 8)], t => Functional.ScaledDotProductAttention(t[0], t[1], t[2], ctx),
            x => ReferenceAttention.Forward(x[0], x[1], x[2], spec), new Tolerance(1e-4, 1e-4), new Tolerance(1e-3, 1e-3));
        Assert.That(output.ToArray(), Has.None.NaN);
    }

    [Test]
    public void A_query_with_no_visible_key_outputs_zeros_and_passes_no_gradient()
    {
        // Causal, row 1: key 0 is masked, so query 0 of row 1 sees nothing.
        var c = AttentionCase.Create(ReferenceMask.Causal, 5);
        var q = TestData.Leaf(241, 2, 5, 16);
        var k = TestData.Leaf(242, 2, 5, 8);
        var v = TestData.Leaf(243, 2, 5, 8);
        var output = Functional.ScaledDotProductAttention(q, k, v, c.Context());
        Functional.Sum(Functional.Multiply(output, TestData.Constant(244, 2, 5, 16))).Backward();
        Assert.Multiple(() =>
        {
            Assert.That(output.ToArray().Skip(5 * 16).Take(16), Is.All.EqualTo(0f));
            Assert.That(q.Grad!.ToArray().Skip(5 * 16).Take(16), Is.All.EqualTo(0f));
        });
    }

    [Test]
    public void Inconsistent_arguments_throw()
    {
        var c = AttentionCase.Create(ReferenceMask.Causal, 5);
        var q = Tensor.Zeros(2, 5, 16);
        var kv = Tensor.Zeros(2, 5, 8);
        var rope = new RotaryEmbedding(4, 8);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(Tensor.Zeros(2, 5, 12), kv, kv, c.Context()), "q width");
            Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, Tensor.Zeros(2, 4, 8), kv, c.Context()), "k length");
            Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, kv, Tensor.Zeros(2, 5, 16), c.Context()), "v width");
            // position 9 is outside an 8-position RoPE table
            var farContext = new AttentionContext(4, 2, rope, AttentionMaskPolicy.Causal, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], null);
            Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, kv, kv, farContext), "position outside RoPE table");
            var badPrefix = new AttentionContext(4, 2, c.Rope, AttentionMaskPolicy.PrefixBidirectional([2]), c.Positions, null);
            Assert.Throws<ArgumentException>(() => Functional.ScaledDotProductAttention(q, kv, kv, badPrefix), "one prefix length for two rows");
            Assert.Throws<ArgumentException>(() => new AttentionContext(4, 3, c.Rope, AttentionMaskPolicy.Causal, c.Positions, null), "kv heads not dividing heads");
        });
    }
}
