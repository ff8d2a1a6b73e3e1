using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class CrossEntropyTests
{
    // Loss: float32 log-sum-exp per row, mean accumulated in float64: |error| ≲ 1e-6.
    // Gradient (softmax − onehot)/N: entries ≤ 1/N, float32 exp: |error| ≲ 1e-7.
    private static readonly Tolerance Forward = new(1e-6, 1e-6);
    private static readonly Tolerance Gradient = new(1e-6, 1e-5);

    [Test]
    public void Matches_reference_and_finite_differences_with_ignored_rows()
    {
        int[] targets = [3, Functional.IgnoreIndex, 0, 6, Functional.IgnoreIndex, 2];
        var (_, leaves) = Run([(Samples.Normal(151, 42, std: 2.0), new[] { 2, 3, 7 })], t => Functional.CrossEntropy(t[0], targets),
            x => [ReferenceOps.CrossEntropy(x[0], targets, 7)], Forward, Gradient);
        var grad = leaves[0].Grad!.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(grad.Skip(1 * 7).Take(7), Is.All.EqualTo(0f), "ignored row 1");
            Assert.That(grad.Skip(4 * 7).Take(7), Is.All.EqualTo(0f), "ignored row 4");
        });
    }

    [Test]
    public void Ignored_rows_are_excluded_from_the_mean()
    {
        var logits = TestData.Constant(152, 4, 5);
        float all = Functional.CrossEntropy(logits, [1, 2, 3, 4]).Item();
        float first = Functional.CrossEntropy(logits, [1, 2, -100, -100]).Item();
        var values = TestData.ToDouble(logits.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(all, Is.EqualTo(ReferenceOps.CrossEntropy(values, [1, 2, 3, 4], 5)).Within(1e-6));
            Assert.That(first, Is.EqualTo(ReferenceOps.CrossEntropy(values, [1, 2, -100, -100], 5)).Within(1e-6));
            // the mean of two rows, not a quarter of their sum
            double row0 = ReferenceOps.CrossEntropy(values, [1, -100, -100, -100], 5);
            double row1 = ReferenceOps.CrossEntropy(values, [-100, 2, -100, -100], 5);
            Assert.That(first, Is.EqualTo((row0 + row1) / 2).Within(1e-6));
        });
    }

    /// <summary>
    /// Logits that are not a leaf get their gradient from the step's memory pool, uninitialised: inside a scope whose pool
    /// holds NaN-filled buffers, every row must still be written (ignored rows as zeros); and a gradient that already
    /// exists (Sum's backward runs first) is added to.
    /// </summary>
    [Test]
    public void A_pooled_gradient_is_written_whole_and_an_existing_one_is_added_to()
    {
        const int rows = 16, vocab = 600;
        int[] targets = [.. Enumerable.Range(0, rows).Select(r => r % 3 == 1 ? Functional.IgnoreIndex : (r * 37) % vocab)];
        float[] data = Samples.Normal(155, rows * vocab, std: 2.0);
        using (TensorMemory.BeginScope())
            for (int i = 0; i < 4; i++) Functional.Scale(Tensor.FromArray([.. Enumerable.Repeat(float.NaN, rows * vocab)], rows, vocab), 1f);

        float[] LeafGradient(bool withSum)
        {
            using var scope = TensorMemory.BeginScope();
            var leaf = Tensor.FromArray((float[])data.Clone(), rows, vocab).RequireGrad();
            var logits = Functional.Scale(leaf, 1f);
            var loss = Functional.CrossEntropy(logits, targets);
            if (withSum) loss = Functional.Add(loss, Functional.Sum(logits));
            loss.Backward();
            return leaf.Grad!.ToArray();
        }

        var written = LeafGradient(withSum: false);
        var added = LeafGradient(withSum: true);
        var expected = new double[rows * vocab];
        int counted = targets.Count(t => t != Functional.IgnoreIndex);
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == Functional.IgnoreIndex) continue;
            var row = data.AsSpan(r * vocab, vocab).ToArray().Select(v => (double)v).ToArray();
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < vocab; j++) expected[r * vocab + j] = (Math.Exp(row[j] - max) / sum - (j == targets[r] ? 1 : 0)) / counted;
        }
        Compare.Close(written, expected, Gradient, "written");
        Compare.Close(added, [.. expected.Select(g => g + 1)], Gradient, "added to ones");
    }

    [Test]
    public void All_rows_ignored_gives_zero_loss_and_zero_gradient()
    {
        var logits = TestData.Leaf(153, 3, 5);
        var loss = Functional.CrossEntropy(logits, [-100, -100, -100]);
        Assert.That(loss.Item(), Is.EqualTo(0f));
        loss.Backward();
        Assert.Multiple(() =>
        {
            Assert.That(logits.Grad, Is.Not.Null);
            Assert.That(logits.Grad!.ToArray(), Is.All.EqualTo(0f));
        });
    }

    [Test]
    public void Custom_ignore_index_is_honoured()
    {
        var logits = TestData.Constant(154, 3, 5);
        var values = TestData.ToDouble(logits.ToArray());
        float loss = Functional.CrossEntropy(logits, [4, 0, 2], ignoreIndex: 0).Item();
        Assert.That(loss, Is.EqualTo(ReferenceOps.CrossEntropy(values, [4, 0, 2], 5, ignoreIndex: 0)).Within(1e-6));
    }

    [Test]
    public void Is_stable_for_logits_near_plus_minus_1000()
    {
        // At |x| ≈ 1000 the row's log-sum-exp is held in float32, whose ulp there is 6.1e-5: outputs carry an absolute
        // error up to ~3e-5 (float32 precision relative to the input magnitude), hence atol 1e-4 forward and 5e-5 on
        // the (probability-scaled) gradients. The point of this test is stability: no NaN, no overflow.
        float[] x = [1000f, -1000f, 999f, -1000f, 998f, -1000f];
        var (output, leaves) = Run([(x, new[] { 2, 3 })], t => Functional.CrossEntropy(t[0], [1, 0]),
            v => [ReferenceOps.CrossEntropy(v[0], [1, 0], 3)], new Tolerance(1e-4, 1e-6), new Tolerance(5e-5, 1e-5));
        Assert.Multiple(() =>
        {
            Assert.That(float.IsFinite(output.Item()), Is.True);
            Assert.That(leaves[0].Grad!.ToArray(), Has.None.NaN);
        });
    }

    [TestCase(5, 2)]
    [TestCase(-3, 0)]
    [TestCase(17, 1)]
    public void Out_of_range_target_throws_naming_target_and_index(int badTarget, int index)
    {
        int[] targets = [0, 1, 2];
        targets[index] = badTarget;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Functional.CrossEntropy(Tensor.Zeros(3, 5), targets));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain($"Target {badTarget}"));
            Assert.That(ex.Message, Does.Contain($"index {index}"));
        });
    }

    [Test]
    public void Wrong_number_of_targets_throws() =>
        Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(Tensor.Zeros(3, 5), [0, 1]));
}
