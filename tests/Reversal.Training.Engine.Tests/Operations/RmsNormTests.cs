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

    /// <summary>Odd widths around the vector lanes, and more rows than one parallel block holds (the weight gradient's partial sums).</summary>
    [TestCase(1, 3), TestCase(8, 5), TestCase(9, 4), TestCase(31, 3), TestCase(129, 2), TestCase(257, 70)]
    public void Odd_widths_and_many_rows_match(int dim, int rows)
    {
        var weight = (Samples.Normal(105 + dim, dim, std: 0.3, mean: 1.0), new[] { dim });
        Run([Input(106 + dim, rows, dim), weight], t => Functional.RmsNorm(t[0], t[1], 1e-5f),
            x => ReferenceOps.RmsNorm(x[0], x[1], 1e-5f), Forward, Gradient);
    }

    /// <summary>Rows are split into fixed blocks, so outputs and both gradients are the same bits for 1, 2 and 3 threads.</summary>
    [Test, NonParallelizable]
    public void Results_are_bit_identical_for_any_thread_count()
    {
        float[]? first = null;
        int saved = Reversal.Training.Engine.Runtime.Compute.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Reversal.Training.Engine.Runtime.Compute.MaxThreads = threads;
                var x = Tensor.FromArray(Samples.Normal(7, 300 * 96), 300, 96).RequireGrad();
                var w = Tensor.FromArray(Samples.Normal(8, 96, std: 0.3, mean: 1.0), 96).RequireGrad();
                var y = Functional.RmsNorm(x, w, 1e-5f);
                Functional.Sum(Functional.Multiply(y, y)).Backward();
                float[] all = [.. y.AsSpan().ToArray(), .. x.Grad!.AsSpan().ToArray(), .. w.Grad!.AsSpan().ToArray()];
                if (first is null) first = all;
                else Assert.That(all, Is.EqualTo(first), $"{threads} threads differ from 1");
            }
        }
        finally
        {
            Reversal.Training.Engine.Runtime.Compute.MaxThreads = saved;
        }
    }

    [Test]
    public void Weight_of_wrong_size_throws() =>
        Assert.Throws<ArgumentException>(() => Functional.RmsNorm(Tensor.Zeros(2, 5), Tensor.Zeros(4), 1e-5f));
}
