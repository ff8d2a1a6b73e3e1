using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Runtime;
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

    /// <summary>
    /// A tensor of several parallel blocks and a partial one (3·16,384 + 2 elements, in a [7, 7022] shape: blocks do not
    /// follow rows): the sum is every element's one rounding, and each input's gradient is the upstream gradient, copied
    /// on first use and added after, bit for bit on one thread and on two.
    /// </summary>
    [Test, NonParallelizable]
    public void Large_tensors_sum_and_pass_gradients_exactly_on_any_thread_count()
    {
        int saved = Compute.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Compute.MaxThreads = threads;
                var a = TestData.Leaf(8, 7, 7022);
                var b = TestData.Leaf(9, 7, 7022);
                var upstream = TestData.Constant(10, 7, 7022);
                var sum = Functional.Add(a, b);
                float[] av = a.ToArray(), bv = b.ToArray(), g = upstream.ToArray();
                Assert.That(sum.ToArray(), Is.EqualTo(av.Zip(bv, (x, y) => x + y).ToArray()), $"sum, threads={threads}");
                // Twice through the same graph: the first backward creates each gradient as a copy, the second adds.
                var twice = Functional.Add(sum, sum);
                twice.Backward(upstream);
                float[] expected = g.Select(x => x + x).ToArray();
                Assert.Multiple(() =>
                {
                    Assert.That(a.Grad!.ToArray(), Is.EqualTo(expected), $"dA, threads={threads}");
                    Assert.That(b.Grad!.ToArray(), Is.EqualTo(expected), $"dB, threads={threads}");
                });
            }
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }

    [Test]
    public void Different_shapes_throw() =>
        Assert.Throws<ArgumentException>(() => Functional.Add(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
}
