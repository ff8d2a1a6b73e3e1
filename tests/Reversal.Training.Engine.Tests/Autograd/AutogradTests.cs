using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Autograd;

public class AutogradTests
{
    [Test]
    public void NoGrad_records_nothing()
    {
        var x = TestData.Leaf(501, 3, 5);
        var w = TestData.Leaf(502, 4, 5);
        Tensor inside, nested, after;
        using (GradMode.NoGrad())
        {
            Assert.That(GradMode.IsEnabled, Is.False);
            inside = Functional.Softmax(Functional.Linear(x, w));
            using (GradMode.NoGrad()) nested = Functional.Add(x, x);
            Assert.That(GradMode.IsEnabled, Is.False, "the outer scope is still active after the nested one ends");
        }
        after = Functional.Linear(x, w);
        Assert.Multiple(() =>
        {
            Assert.That(inside.RequiresGrad, Is.False);
            Assert.That(inside.IsLeaf, Is.True);
            Assert.That(nested.RequiresGrad, Is.False);
            Assert.That(GradMode.IsEnabled, Is.True);
            Assert.That(after.RequiresGrad, Is.True, "recording resumes after the scope");
            Assert.Throws<InvalidOperationException>(() => Functional.Sum(inside).Backward());
        });
    }

    [Test]
    public void NoGrad_model_forward_records_nothing()
    {
        var model = TinyLlama.Create(41);
        var batch = TinyLlama.CausalBatch(501);
        using (GradMode.NoGrad())
        {
            var loss = model.Loss(batch);
            Assert.That(loss.RequiresGrad, Is.False);
            Assert.Throws<InvalidOperationException>(loss.Backward);
        }
        Assert.That(model.Parameters().All(p => p.Grad is null), Is.True);
    }

    [Test]
    public void Gradients_accumulate_across_backward_calls_and_ZeroGrad_clears_them()
    {
        var model = TinyLlama.Create(42);
        var batch = TinyLlama.CausalBatch(502);
        model.Loss(batch).Backward();
        var once = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Grad!.ToArray());
        model.Loss(batch).Backward();
        Assert.Multiple(() =>
        {
            foreach (var (name, p) in model.NamedParameters())
                // the second pass adds its own (identical) contributions into the buffer: twice the value up to rounding
                Compare.Close(p.Grad!.AsSpan(), once[name].Select(g => 2.0 * g).ToArray(), new Tolerance(1e-7, 1e-6), name);
        });
        model.ZeroGrad();
        Assert.That(model.Parameters().SelectMany(p => p.Grad!.ToArray()), Is.All.EqualTo(0f));
        model.Loss(batch).Backward();
        foreach (var (name, p) in model.NamedParameters())
            Compare.Identical(p.Grad!.AsSpan(), once[name], $"{name} after ZeroGrad and one more pass");
    }

    [Test]
    public void Gradients_of_a_leaf_accumulate_when_it_is_the_root()
    {
        var x = Tensor.FromArray([3f], 1).RequireGrad();
        x.Backward();
        x.Backward();
        Assert.That(x.Grad!.Item(), Is.EqualTo(2f));
    }

    [Test]
    public void Explicit_upstream_gradient_is_used()
    {
        var x = TestData.Leaf(503, 2, 3);
        var seed = TestData.Constant(504, 2, 3);
        Functional.Scale(x, 3f).Backward(seed);
        Compare.Close(x.Grad!.AsSpan(), seed.ToArray().Select(g => 3.0 * g).ToArray(), new Tolerance(1e-6, 1e-6), "3·seed");
    }

    /// <summary>
    /// An intermediate used twice: its gradient is created from the first contribution (a copy) and the second is
    /// added, so it must be the sum of both, exactly (the residual stream of every Llama layer is such a tensor).
    /// </summary>
    [Test]
    public void Gradient_of_a_tensor_used_twice_is_the_sum_of_both_contributions()
    {
        var x = TestData.Leaf(506, 2, 3);
        var hidden = Functional.Scale(x, 2f);                    // intermediate: its gradient starts as a copy
        var seed = TestData.Constant(507, 2, 3);
        Functional.Add(hidden, Functional.Transpose(Functional.Transpose(hidden, 0, 1), 0, 1)).Backward(seed);
        Compare.Close(x.Grad!.AsSpan(), seed.ToArray().Select(g => 4.0 * g).ToArray(), new Tolerance(1e-6, 1e-6), "2·2·seed");
    }

    [Test]
    public void Backward_on_a_tensor_that_does_not_require_grad_throws()
    {
        var x = TestData.Constant(505, 2, 3);
        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidOperationException>(() => Functional.Sum(x).Backward());
            Assert.Throws<InvalidOperationException>(() => Tensor.Scalar(1f).Backward());
        });
    }

    [Test]
    public void Backward_without_a_gradient_needs_a_scalar() =>
        Assert.Throws<InvalidOperationException>(() => Functional.Scale(TestData.Leaf(506, 2, 3), 2f).Backward());

    [Test]
    public void RequiresGrad_cannot_be_cleared_on_a_recorded_result_but_Detach_cuts_the_tape()
    {
        var y = Functional.Scale(TestData.Leaf(507, 3), 2f);
        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
            var d = y.Detach();
            Assert.That(d.RequiresGrad, Is.False);
            Assert.That(d.ToArray(), Is.EqualTo(y.ToArray()));
        });
    }

    [Test]
    public void A_diamond_graph_sums_both_paths()
    {
        // y = silu(x); L = Σ (y·y + y): dL/dx = (2y + 1)·silu'(x)
        var x = TestData.Leaf(508, 7);
        var y = Functional.Silu(x);
        Functional.Sum(Functional.Add(Functional.Multiply(y, y), y)).Backward();
        var values = TestData.ToDouble(x.ToArray());
        var numeric = FiniteDifference.Gradient(v => ReferenceOps.Silu(v).Sum(s => s * s + s), values);
        Compare.Close(x.Grad!.AsSpan(), numeric, new Tolerance(1e-6, 1e-5), "diamond");
    }
}
