using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class SoftmaxTests
{
    // Probabilities in [0, 1]: float32 exp and normalisation give |error| ≲ 1e-7 absolute.
    // Backward y·(g − Σg·y) with O(1) weights: |error| ≲ 1e-6.
    private static readonly Tolerance Forward = new(1e-6, 1e-5);
    private static readonly Tolerance Gradient = new(1e-6, 1e-5);
    private static readonly Tolerance Stable = new(1e-4, 1e-6);
    private static readonly Tolerance StableGradient = new(5e-5, 1e-5);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([(Samples.Normal(131, 21, std: 2.0), new[] { 3, 7 })], t => Functional.Softmax(t[0]),
            x => ReferenceOps.Softmax(x[0], 7), Forward, Gradient);

    [Test]
    public void Rows_of_odd_length_sum_to_one()
    {
        var y = Functional.Softmax(TestData.Constant(132, 5, 13)).ToArray();
        for (int r = 0; r < 5; r++)
            Assert.That(y.Skip(r * 13).Take(13).Sum(), Is.EqualTo(1f).Within(1e-6f), $"row {r}");
    }

    [Test]
    public void Is_stable_for_logits_near_plus_minus_1000()
    {
        // At |x| ≈ 1000 the row's log-sum-exp is held in float32, whose ulp there is 6.1e-5: outputs carry an absolute
        // error up to ~3e-5 (float32 precision relative to the input magnitude), hence atol 1e-4 forward and 5e-5 on
        // the (probability-scaled) gradients. The point of this test is stability: no NaN, no overflow.
        float[] x = [1000f, -1000f, 999f, 998.5f, -999f, 0f, 1000f, -1000f, -1000f, -998f];
        var (output, leaves) = Run([(x, new[] { 2, 5 })], t => Functional.Softmax(t[0]),
            v => ReferenceOps.Softmax(v[0], 5), Stable, StableGradient);
        Assert.Multiple(() =>
        {
            Assert.That(output.ToArray(), Has.None.NaN);
            Assert.That(leaves[0].Grad!.ToArray(), Has.None.NaN);
        });
    }

    [Test]
    public void Single_element_rows_are_one() =>
        Assert.That(Functional.Softmax(Tensor.FromArray([3f, -700f, 0f], 3, 1)).ToArray(), Is.EqualTo(new[] { 1f, 1f, 1f }));
}
