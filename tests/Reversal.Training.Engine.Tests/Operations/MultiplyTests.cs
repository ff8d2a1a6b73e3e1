using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class MultiplyTests
{
    // Forward: one float32 rounding (relative 6e-8). Gradient W·b: one more rounding; FD of a bilinear loss is
    // exact to ~1e-9.
    private static readonly Tolerance Forward = new(1e-6, 1e-6);
    private static readonly Tolerance Gradient = new(1e-6, 1e-6);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([Input(11, 3, 5), Input(12, 3, 5)], t => Functional.Multiply(t[0], t[1]), x => ReferenceOps.Multiply(x[0], x[1]), Forward, Gradient);

    [Test]
    public void Square_of_one_tensor_gets_twice_the_product_rule() =>
        Run([Input(13, 2, 3, 5)], t => Functional.Multiply(t[0], t[0]), x => ReferenceOps.Multiply(x[0], x[0]), Forward, Gradient);

    [Test]
    public void Different_shapes_throw() =>
        Assert.Throws<ArgumentException>(() => Functional.Multiply(Tensor.Zeros(5), Tensor.Zeros(4)));
}
