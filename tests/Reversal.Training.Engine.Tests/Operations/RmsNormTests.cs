using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class RmsNormTests
{
    // Forward: mean of squares + rsqrt + two products in float32: relative ~1e-6.
    // Backward: r³·mean(g·x) terms in float32 on O(1) values: |error| ≲ 1e-6.
    private static readonly Tolerance Forward = new(2e-6, 1e-5);
    private static readonly Tolerance Gradient = new(2e-6, 1e-5);

    [Test]
    public void Matches_reference_and_finite_differences()
    {
        var weight = (Samples.Normal(102, 7, std: 0.3, mean: 1.0), new[] { 7 });
        Run([Input(101, 2, 3, 7), weight], t => Functional.RmsNorm(t[0], t[1], 1e-5f),
            x => ReferenceOps.RmsNorm(x[0], x[1], 1e-5f), Forward, Gradient);
    }

    [Test]
    public void Large_epsilon_and_small_inputs_match()
    {
        // eps comparable to mean(x²): the eps term matters in both forward and backward.
        var x = (Samples.Normal(103, 15, std: 0.1), new[] { 3, 5 });
        var weight = (Samples.Normal(104, 5, std: 0.3, mean: 1.0), new[] { 5 });
        Run([x, weight], t => Functional.RmsNorm(t[0], t[1], 0.01f), v => ReferenceOps.RmsNorm(v[0], v[1], 0.01f), Forward, Gradient);
    }

    [Test]
    public void Weight_of_wrong_size_throws() =>
        Assert.Throws<ArgumentException>(() => Functional.RmsNorm(Tensor.Zeros(2, 5), Tensor.Zeros(4), 1e-5f));
}
