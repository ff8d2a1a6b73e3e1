using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

/// <summary>Reshape, Transpose and Contiguous: views move values, not arithmetic, so everything is exact.</summary>
public class ReshapeTests
{
    // Pure data movement: forward values are copies (exact); gradients are W permuted back (exact);
    // FD of the linear loss is exact to ~1e-9.
    private static readonly Tolerance Exact = new(0, 0);
    private static readonly Tolerance Gradient = new(1e-6, 1e-6);

    [Test]
    public void Reshape_keeps_row_major_order() =>
        Run([Input(81, 3, 4, 5)], t => t[0].Reshape(-1, 6), x => x[0], Exact, Gradient);

    [Test]
    public void Transpose_view_permutes_values_and_gradients() =>
        Run([Input(82, 3, 4, 5)], t => t[0].Transpose(0, 2), x => ReferenceOps.SwapDims(x[0], [3, 4, 5], 0, 2), Exact, Gradient);

    [Test]
    public void Transpose_then_Contiguous() =>
        Run([Input(83, 3, 5)], t => t[0].Transpose(1, 0).Contiguous(), x => ReferenceOps.TransposeLast(x[0], 1, 3, 5), Exact, Gradient);

    [Test]
    public void Chain_of_views_through_a_non_contiguous_reshape()
    {
        // x [2, 3, 5] → Transpose(1, 2) [2, 5, 3] → Reshape(10, 3) (copies) → Transpose(0, 1) [3, 10] → Contiguous
        Run([Input(84, 2, 3, 5)], t => t[0].Transpose(1, 2).Reshape(10, 3).Transpose(0, 1).Contiguous(),
            x => ReferenceOps.TransposeLast(ReferenceOps.SwapDims(x[0], [2, 3, 5], 1, 2), 1, 10, 3), Exact, Gradient);
    }

    [Test]
    public void View_consumed_twice_accumulates_both_paths() =>
        Run([Input(85, 3, 3)], t => Functional.Add(t[0].Transpose(0, 1), t[0].Reshape(3, 3)),
            x => ReferenceOps.Add(ReferenceOps.TransposeLast(x[0], 1, 3, 3), x[0]), new Tolerance(1e-6, 1e-6), Gradient); // one float32 rounding in Add

    [Test]
    public void Reshape_of_a_contiguous_tensor_shares_storage()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var view = x.Reshape(3, 2);
        var transposed = x.Transpose(0, 1);
        x[1, 2] = 42f;
        Assert.Multiple(() =>
        {
            Assert.That(view[2, 1], Is.EqualTo(42f));
            Assert.That(transposed[2, 1], Is.EqualTo(42f));
            Assert.That(transposed.IsContiguous, Is.False);
            Assert.That(transposed.ToArray(), Is.EqualTo(new[] { 1f, 4f, 2f, 5f, 3f, 42f }));
        });
    }

    [Test]
    public void Invalid_reshapes_throw()
    {
        var x = Tensor.Zeros(3, 4);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => x.Reshape(5, 3));
            Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1));
            Assert.Throws<ArgumentException>(() => x.Reshape(-1, 5));
        });
    }
}
