using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class ScaleTests
{
    // One float32 rounding forward and backward; FD of a linear loss is exact to ~1e-9.
    private static readonly Tolerance Tight = new(1e-6, 1e-6);

    [TestCase(0.37f)]
    [TestCase(-2.5f)]
    [TestCase(0f)]
    public void Matches_reference_and_finite_differences(float scale) =>
        Run([Input(21, 3, 7)], t => Functional.Scale(t[0], scale), x => ReferenceOps.Scale(x[0], scale), Tight, Tight);
}
