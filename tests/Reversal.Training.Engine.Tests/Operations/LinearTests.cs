using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class LinearTests
{
    // Forward: float32 dot products of ≤ 7 terms of unit-variance values: |error| ≲ 1e-6. Gradients are dot products
    // of W with the outputs' weights, same order of error.
    private static readonly Tolerance Forward = new(2e-6, 1e-5);
    private static readonly Tolerance Gradient = new(2e-6, 1e-5);

    [Test]
    public void Rank3_input_matches_reference_and_finite_differences() =>
        Run([Input(41, 2, 3, 5), Input(42, 7, 5)], t => Functional.Linear(t[0], t[1]),
            x => ReferenceOps.Linear(x[0], x[1], 5, 7), Forward, Gradient);

    [Test]
    public void Rank1_input_matches() =>
        Run([Input(43, 5), Input(44, 3, 5)], t => Functional.Linear(t[0], t[1]),
            x => ReferenceOps.Linear(x[0], x[1], 5, 3), Forward, Gradient);

    [Test]
    public void Output_shape_replaces_the_last_dimension()
    {
        var y = Functional.Linear(Tensor.Zeros(2, 3, 5), Tensor.Zeros(7, 5));
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 3, 7 }));
    }

    [Test]
    public void Transposed_view_input_matches() =>
        Run([Input(45, 5, 3), Input(46, 4, 5)], t => Functional.Linear(t[0].Transpose(0, 1), t[1]),
            x => ReferenceOps.Linear(ReferenceOps.TransposeLast(x[0], 1, 5, 3), x[1], 5, 4), Forward, Gradient);

    [Test]
    public void Mismatched_input_size_throws() =>
        Assert.Throws<ArgumentException>(() => Functional.Linear(Tensor.Zeros(2, 4), Tensor.Zeros(3, 5)));
}
