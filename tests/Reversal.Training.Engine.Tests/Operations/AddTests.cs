using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class AddTests
{
    // Forward: one float32 rounding per element (relative 6e-8). Gradient: exactly W; the float64 central
    // difference of a linear loss is exact to ~1e-9, so both are checked at 1e-6.
    private static readonly Tolerance Forward = new(1e-6, 1e-6);
    private static readonly Tolerance Gradient = new(1e-6, 1e-6);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([Input(1, 3, 5), Input(2, 3, 5)], t => Functional.Add(t[0], t[1]), x => ReferenceOps.Add(x[0], x[1]), Forward, Gradient);

    [Test]
    public void Rank3_odd_shape_matches() =>
        Run([Input(3, 2, 3, 7), Input(4, 2, 3, 7)], t => Functional.Add(t[0], t[1]), x => ReferenceOps.Add(x[0], x[1]), Forward, Gradient);

    [Test]
    public void Same_tensor_twice_receives_both_contributions() =>
        Run([Input(5, 3, 5)], t => Functional.Add(t[0], t[0]), x => ReferenceOps.Add(x[0], x[0]), Forward, Gradient);

    [Test]
    public void Only_the_input_that_requires_grad_receives_a_gradient()
    {
        var a = TestData.Leaf(6, 2, 3);
        var b = TestData.Constant(7, 2, 3);
        Functional.Sum(Functional.Add(a, b)).Backward();
        Assert.Multiple(() =>
        {
            Assert.That(a.Grad!.ToArray(), Is.EqualTo(Enumerable.Repeat(1f, 6).ToArray()));
            Assert.That(b.Grad, Is.Null);
        });
    }

    [Test]
    public void Different_shapes_throw() =>
        Assert.Throws<ArgumentException>(() => Functional.Add(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
}
