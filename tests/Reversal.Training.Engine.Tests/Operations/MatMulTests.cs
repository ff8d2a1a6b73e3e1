using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class MatMulTests
{
    // Float32 dot products of ≤ 7 unit-variance terms: |error| ≲ 1e-6 forward and backward.
    private static readonly Tolerance Forward = new(2e-6, 1e-5);
    private static readonly Tolerance Gradient = new(2e-6, 1e-5);

    [Test]
    public void Two_dimensional() =>
        Run([Input(51, 3, 5), Input(52, 5, 7)], t => Functional.MatMul(t[0], t[1]),
            x => ReferenceOps.MatMul(x[0], x[1], 1, 3, 5, 7, sharedB: false), Forward, Gradient);

    [Test]
    public void Batched() =>
        Run([Input(53, 2, 3, 5), Input(54, 2, 5, 7)], t => Functional.MatMul(t[0], t[1]),
            x => ReferenceOps.MatMul(x[0], x[1], 2, 3, 5, 7, sharedB: false), Forward, Gradient);

    [Test]
    public void Batched_rank4() =>
        Run([Input(55, 2, 3, 3, 5), Input(56, 2, 3, 5, 1)], t => Functional.MatMul(t[0], t[1]),
            x => ReferenceOps.MatMul(x[0], x[1], 6, 3, 5, 1, sharedB: false), Forward, Gradient);

    [Test]
    public void Shared_two_dimensional_B_sums_its_gradient_over_the_batch() =>
        Run([Input(57, 3, 3, 5), Input(58, 5, 7)], t => Functional.MatMul(t[0], t[1]),
            x => ReferenceOps.MatMul(x[0], x[1], 3, 3, 5, 7, sharedB: true), Forward, Gradient);

    [Test]
    public void Transposed_view_A()
    {
        // X [2, 5, 3] → A = Xᵀ [2, 3, 5]
        Run([Input(59, 2, 5, 3), Input(60, 2, 5, 7)], t => Functional.MatMul(NonContiguous(t[0].Transpose(-1, -2)), t[1]),
            x => ReferenceOps.MatMul(ReferenceOps.TransposeLast(x[0], 2, 5, 3), x[1], 2, 3, 5, 7, sharedB: false), Forward, Gradient);
    }

    [Test]
    public void Transposed_view_B()
    {
        // Y [2, 7, 5] → B = Yᵀ [2, 5, 7]
        Run([Input(61, 2, 3, 5), Input(62, 2, 7, 5)], t => Functional.MatMul(t[0], NonContiguous(t[1].Transpose(-1, -2))),
            x => ReferenceOps.MatMul(x[0], ReferenceOps.TransposeLast(x[1], 2, 7, 5), 2, 3, 5, 7, sharedB: false), Forward, Gradient);
    }

    [Test]
    public void Both_operands_transposed_views()
    {
        Run([Input(63, 2, 5, 3), Input(64, 2, 7, 5)],
            t => Functional.MatMul(NonContiguous(t[0].Transpose(-1, -2)), NonContiguous(t[1].Transpose(-1, -2))),
            x => ReferenceOps.MatMul(ReferenceOps.TransposeLast(x[0], 2, 5, 3), ReferenceOps.TransposeLast(x[1], 2, 7, 5), 2, 3, 5, 7, sharedB: false),
            Forward, Gradient);
    }

    [Test]
    public void Shared_transposed_view_B()
    {
        // Y [7, 5] → B = Yᵀ [5, 7], shared by the 3 batch matrices of A
        Run([Input(65, 3, 3, 5), Input(66, 7, 5)], t => Functional.MatMul(t[0], NonContiguous(t[1].Transpose(-1, -2))),
            x => ReferenceOps.MatMul(x[0], ReferenceOps.TransposeLast(x[1], 1, 7, 5), 3, 3, 5, 7, sharedB: true), Forward, Gradient);
    }

    [Test]
    public void Two_dimensional_transposed_views()
    {
        Run([Input(67, 5, 3), Input(68, 7, 5)], t => Functional.MatMul(NonContiguous(t[0].Transpose(0, 1)), NonContiguous(t[1].Transpose(0, 1))),
            x => ReferenceOps.MatMul(ReferenceOps.TransposeLast(x[0], 1, 5, 3), ReferenceOps.TransposeLast(x[1], 1, 7, 5), 1, 3, 5, 7, sharedB: false),
            Forward, Gradient);
    }

    [Test]
    public void A_non_transposed_permutation_is_copied_first()
    {
        // X [5, 2, 3] → swap dims 0 and 1 → A [2, 5, 3]: neither plain nor a last-two-dims transpose.
        Run([Input(69, 5, 2, 3), Input(70, 2, 3, 7)], t => Functional.MatMul(NonContiguous(t[0].Transpose(0, 1)), t[1]),
            x => ReferenceOps.MatMul(ReferenceOps.SwapDims(x[0], [5, 2, 3], 0, 1), x[1], 2, 5, 3, 7, sharedB: false), Forward, Gradient);
    }

    [Test]
    public void Inner_dimension_mismatch_throws() =>
        Assert.Throws<ArgumentException>(() => Functional.MatMul(Tensor.Zeros(3, 4), Tensor.Zeros(5, 2)));

    [Test]
    public void Batch_dimension_mismatch_throws() =>
        Assert.Throws<ArgumentException>(() => Functional.MatMul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 4, 2)));

    private static Tensor NonContiguous(Tensor view)
    {
        Assert.That(view.IsContiguous, Is.False, "the test meant to pass a non-contiguous view");
        return view;
    }
}
