using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class SwiGluTests
{
    // silu(g)·u in float32: relative ~1e-6 forward; each gradient is a product of three float32 terms.
    private static readonly Tolerance Forward = new(1e-6, 1e-5);
    private static readonly Tolerance Gradient = new(1e-6, 1e-5);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([(Samples.Normal(121, 30, std: 2.0), new[] { 2, 3, 5 }), Input(122, 2, 3, 5)], t => Functional.SwiGlu(t[0], t[1]),
            x => ReferenceOps.SwiGlu(x[0], x[1]), Forward, Gradient);

    [Test]
    public void Equals_Silu_times_up()
    {
        var gate = TestData.Constant(123, 3, 5);
        var up = TestData.Constant(124, 3, 5);
        var fused = Functional.SwiGlu(gate, up).ToArray();
        var composed = Functional.Multiply(Functional.Silu(gate), up).ToArray();
        Compare.Close(fused, TestData.ToDouble(composed), new Tolerance(1e-6, 1e-6), "SwiGlu vs Silu·up");
    }

    [Test]
    public void Different_shapes_throw() =>
        Assert.Throws<ArgumentException>(() => Functional.SwiGlu(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
}
