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
    public void Forward_and_backward_over_many_parallel_blocks_match_the_double_formulas()
    {
        // 3 x 20,001 elements: several blocks of the parallel element-wise loop and a ragged last one.
        var random = new Random(7);
        float[] g = [.. Enumerable.Range(0, 60_003).Select(_ => (float)(random.NextDouble() * 8 - 4))];
        float[] u = [.. Enumerable.Range(0, 60_003).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[] dy = [.. Enumerable.Range(0, 60_003).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        var gate = Tensor.FromArray((float[])g.Clone(), 3, 20_001);
        var up = Tensor.FromArray((float[])u.Clone(), 3, 20_001);
        gate.RequiresGrad = true;
        up.RequiresGrad = true;

        var y = Functional.SwiGlu(gate, up);
        y.Backward(Tensor.FromArray((float[])dy.Clone(), 3, 20_001));

        var expected = new double[g.Length];
        var dGate = new double[g.Length];
        var dUp = new double[g.Length];
        for (int i = 0; i < g.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-(double)g[i]));
            expected[i] = g[i] * s * u[i];
            dUp[i] = dy[i] * g[i] * s;
            dGate[i] = dy[i] * u[i] * s * (1 + g[i] * (1 - s));
        }
        Compare.Close(y.ToArray(), expected, Forward, "y");
        Compare.Close(up.Grad!.ToArray(), dUp, Gradient, "d up");
        Compare.Close(gate.Grad!.ToArray(), dGate, Gradient, "d gate");
    }

    /// <summary>
    /// The backward writes a gradient it creates and adds to one that exists: a gate with a gradient already (from a
    /// term whose backward runs first), and one tensor as both gate and up, where both terms land in one buffer.
    /// </summary>
    [Test]
    public void Gradients_add_to_an_existing_one_and_to_each_other_when_gate_is_up()
    {
        float[] g = Samples.Normal(125, 40_003, std: 2.0), u = Samples.Normal(126, 40_003);
        static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

        var gate = Tensor.FromArray((float[])g.Clone(), 40_003).RequireGrad();
        var up = Tensor.FromArray((float[])u.Clone(), 40_003).RequireGrad();
        // Sum(gate) is recorded last, so its backward runs first and gate's gradient exists (all ones) before SwiGlu's.
        Functional.Add(Functional.Sum(Functional.SwiGlu(gate, up)), Functional.Sum(gate)).Backward();
        Compare.Close(gate.Grad!.ToArray(), [.. g.Select((x, i) => 1 + u[i] * Sigmoid(x) * (1 + x * (1 - Sigmoid(x))))], Gradient, "d gate, added to ones");
        Compare.Close(up.Grad!.ToArray(), [.. g.Select(x => x * Sigmoid(x))], Gradient, "d up, written");

        var x = Tensor.FromArray((float[])g.Clone(), 40_003).RequireGrad();
        Functional.Sum(Functional.SwiGlu(x, x)).Backward();
        // d/dx silu(x)·x = silu(x) + x·σ(x)(1 + x(1 − σ(x))).
        Compare.Close(x.Grad!.ToArray(), [.. g.Select(v => v * Sigmoid(v) + v * Sigmoid(v) * (1 + v * (1 - Sigmoid(v))))], Gradient, "d x of SwiGlu(x, x)");
    }

    [Test]
    public void Different_shapes_throw() =>
        Assert.Throws<ArgumentException>(() => Functional.SwiGlu(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
}
