using System.Globalization;
using System.Text;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>Central finite differences of float64 functions.</summary>
public static class FiniteDifference
{
    /// <summary>The step of the central difference (float64): truncation error O(h²) ≈ 1e-12, rounding ≈ 1e-10·|f|.</summary>
    public const double Step = 1e-6;

    /// <summary>
    /// ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every i. <paramref name="x"/> is perturbed in place and
    /// restored exactly, so <paramref name="f"/> may read it through a closure.
    /// </summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double h = Step)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h;
            double plus = f(x);
            x[i] = saved - h;
            double minus = f(x);
            x[i] = saved;
            gradient[i] = (plus - minus) / (2 * h);
        }
        return gradient;
    }
}

/// <summary>
/// The standard check of one differentiable operation: forward against a float64 reference, and the gradient of the
/// scalar loss <c>L = Σ W ⊙ op(inputs)</c> (fixed random W) against central finite differences of the float64
/// reference loss, for every input.
/// </summary>
public static class OpCheck
{
    /// <summary>Runs the check.</summary>
    /// <param name="inputs">The input values and shapes; each becomes a leaf that requires grad.</param>
    /// <param name="op">The engine operation (may build views of its inputs).</param>
    /// <param name="reference">The float64 reference forward: inputs (row-major) → output (row-major).</param>
    /// <param name="forward">Forward tolerance (float32 output vs float64 reference).</param>
    /// <param name="gradient">Gradient tolerance (float32 analytic vs float64 central difference).</param>
    /// <param name="weightSeed">Seed of W.</param>
    /// <returns>The engine output and leaves, for extra assertions.</returns>
    public static (Tensor Output, Tensor[] Leaves) Run(
        (float[] Data, int[] Shape)[] inputs,
        Func<Tensor[], Tensor> op,
        Func<double[][], double[]> reference,
        Tolerance forward, Tolerance gradient, int weightSeed = 977)
    {
        var leaves = inputs.Select(i => Tensor.FromArray((float[])i.Data.Clone(), i.Shape).RequireGrad()).ToArray();
        var output = op(leaves);

        var values = inputs.Select(i => TestData.ToDouble(i.Data)).ToArray();
        var expected = reference(values);
        Compare.Close(output.ToArray(), expected, forward, "forward");

        var wData = Samples.Normal(weightSeed, output.Count);
        var w = Tensor.FromArray(wData, output.Shape.ToArray());
        var loss = Functional.Sum(Functional.Multiply(output, w));
        loss.Backward();

        double Loss(double[][] x)
        {
            var y = reference(x);
            double total = 0;
            for (int i = 0; i < y.Length; i++) total += wData[i] * y[i];
            return total;
        }
        Assert.That(loss.Item(), Is.EqualTo(Loss(values)).Within(1e-4 + 1e-5 * Math.Abs(Loss(values))), "loss value");

        for (int j = 0; j < inputs.Length; j++)
        {
            var numeric = FiniteDifference.Gradient(_ => Loss(values), values[j]);
            Assert.That(leaves[j].Grad, Is.Not.Null, $"input {j} received no gradient");
            Compare.Close(leaves[j].Grad!.AsSpan(), numeric, gradient, $"gradient of input {j}");
        }
        return (output, leaves);
    }

    /// <summary>An input of normal samples with the given shape.</summary>
    public static (float[] Data, int[] Shape) Input(int seed, params int[] shape) => (Samples.Normal(seed, TestData.Size(shape)), shape);
}
