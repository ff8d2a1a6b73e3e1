using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class SumTests
{
    // Sum accumulates in float64 and rounds once: relative 6e-8. Gradient is W broadcast (exact).
    private static readonly Tolerance Tight = new(1e-6, 1e-6);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([Input(31, 3, 5, 7)], t => Functional.Sum(t[0]), x => [ReferenceOps.Sum(x[0])], Tight, Tight);

    [Test]
    public void Result_is_a_scalar()
    {
        var s = Functional.Sum(Tensor.Full(0.5f, 3, 3));
        Assert.Multiple(() =>
        {
            Assert.That(s.Rank, Is.EqualTo(0));
            Assert.That(s.Item(), Is.EqualTo(4.5f));
        });
    }

    [Test]
    public void Sum_of_a_transposed_view_flows_to_the_base()
    {
        var x = TestData.Leaf(32, 3, 4);
        Functional.Sum(x.Transpose(0, 1)).Backward();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(Enumerable.Repeat(1f, 12).ToArray()));
    }
}
