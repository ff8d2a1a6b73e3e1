using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class LogSoftmaxTests
{
    // Forward x − lse: float32 subtraction of O(|x|) values, relative ~1e-7 of the magnitude.
    // Backward g − softmax·Σg with O(1) weights: |error| ≲ 1e-6.
    private static readonly Tolerance Forward = new(1e-6, 1e-6);
    private static readonly Tolerance Gradient = new(1e-6, 1e-5);
    private static readonly Tolerance Stable = new(1e-4, 1e-6);
    private static readonly Tolerance StableGradient = new(5e-5, 1e-5);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([(Samples.Normal(141, 35, std: 2.0), new[] { 5, 7 })], t => Functional.LogSoftmax(t[0]),
            x => ReferenceOps.LogSoftmax(x[0], 7), Forward, Gradient);

    [Test]
    public void Is_stable_for_logits_near_plus_minus_1000()
    {
        // At |x| ≈ 1000 the row's log-sum-exp is held in float32, whose ulp there is 6.1e-5: outputs carry an absolute
        // error up to ~3e-5 (float32 precision relative to the input magnitude), hence atol 1e-4 forward and 5e-5 on
        // the (probability-scaled) gradients. The point of this test is stability: no NaN, no overflow.
        float[] x = [1000f, -1000f, 999f, 998.5f, -999f, 0f, 1000f, -1000f, -1000f, -998f, -1000f, -1000f, -1000f, -1000f, -1000f];
        var (output, leaves) = Run([(x, new[] { 3, 5 })], t => Functional.LogSoftmax(t[0]),
            v => ReferenceOps.LogSoftmax(v[0], 5), Stable, StableGradient);
        Assert.Multiple(() =>
        {
            Assert.That(output.ToArray(), Has.None.NaN);
            Assert.That(output.ToArray(), Has.All.LessThanOrEqualTo(0f));
            Assert.That(leaves[0].Grad!.ToArray(), Has.None.NaN);
            // a row of equal logits: log(1/5) each
            Assert.That(output.ToArray().Skip(10), Has.All.EqualTo(-MathF.Log(5f)).Within(1e-4f)); // lse ≈ −998.4 held in float32
        });
    }

    [Test]
    public void Exp_of_LogSoftmax_equals_Softmax()
    {
        var x = TestData.Constant(142, 4, 9);
        var log = Functional.LogSoftmax(x).ToArray();
        var soft = Functional.Softmax(x).ToArray();
        Compare.Close(log.Select(MathF.Exp).ToArray(), TestData.ToDouble(soft), new Tolerance(1e-7, 1e-6), "exp(log softmax)");
    }
}
