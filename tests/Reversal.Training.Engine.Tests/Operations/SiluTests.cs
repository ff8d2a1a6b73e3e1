using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class SiluTests
{
    // Float32 sigmoid (SIMD) and product: relative ~1e-6 forward; derivative σ(1 + x(1 − σ)) similar.
    private static readonly Tolerance Forward = new(1e-6, 1e-5);
    private static readonly Tolerance Gradient = new(1e-6, 1e-5);

    [Test]
    public void Matches_reference_and_finite_differences() =>
        Run([(Samples.Normal(111, 21, std: 3.0), new[] { 3, 7 })], t => Functional.Silu(t[0]), x => ReferenceOps.Silu(x[0]), Forward, Gradient);

    [Test]
    public void Saturated_inputs_stay_finite() =>
        Run([([-80f, -30f, -5f, 0f, 5f, 30f, 80f], new[] { 7 })], t => Functional.Silu(t[0]), x => ReferenceOps.Silu(x[0]), Forward, Gradient);
}
