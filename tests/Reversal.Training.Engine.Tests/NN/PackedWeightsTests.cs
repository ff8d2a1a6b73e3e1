using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Randomness;

namespace Reversal.Training.Engine.Tests.NN;

/// <summary>
/// Inference products from weights packed once (<see cref="PackedWeights"/>) are bit-identical to
/// <see cref="Functional.Linear"/>, reuse their pack, follow a change of micro-kernel, and never stand in for a product
/// that autograd records.
/// </summary>
public class PackedWeightsTests
{
    private static Tensor Random(long seed, params int[] shape) => Tensor.Normal(new SeededRandom(seed), 0f, 1f, shape);

    [Test]
    public void Products_are_bit_identical_to_linear_for_every_row_count_and_reuse_one_pack()
    {
        var weight = Random(1, 131, 77); // edge panels in both n and k
        using var packs = new PackedWeights();
        using (GradMode.NoGrad())
        {
            foreach (int rows in new[] { 1, 3, 4, 5, 8, 19, 64 })
            {
                var x = Random(rows, 2, rows, 77); // rank 3: the rows are the two leading dimensions
                var packed = packs.Linear(x, weight);
                Assert.That(packed.Shape, Is.EqualTo(new[] { 2, rows, 131 }));
                Compare.Identical(packed.AsSpan(), Functional.Linear(x, weight).AsSpan(), $"{2 * rows} rows");
            }
        }
        Assert.That(packs.Count, Is.EqualTo(1), "one weight, packed once, reused for every product");
    }

    /// <summary>
    /// One to four rows are served from the pack too (its panels read in place: 32 wide for the AVX-512 kernel, two 16-wide
    /// ones for AVX2), bit-identical to <see cref="Functional.Linear"/>, which transposes the weight per call, for widths
    /// that fill, split or end inside a 32-column group; one pack per weight.
    /// </summary>
    [Test, NonParallelizable]
    public void Few_rows_are_served_from_the_pack_bit_identically_on_every_vector_kernel()
    {
        var saved = Sgemm.Kernel;
        try
        {
            foreach (var kernel in new[] { Sgemm.KernelKind.Vector512, Sgemm.KernelKind.Vector256 })
            {
                if (kernel == Sgemm.KernelKind.Vector512 && Sgemm.BestKernel != Sgemm.KernelKind.Vector512) continue;
                if (Sgemm.BestKernel == Sgemm.KernelKind.Scalar) Assert.Ignore("Only the scalar kernel here: no few-row path.");
                Sgemm.Kernel = kernel;
                foreach (int outputs in new[] { 1, 15, 16, 17, 31, 32, 33, 131, 300 })
                {
                    var weight = Random(outputs, outputs, 70);
                    using var packs = new PackedWeights();
                    using (GradMode.NoGrad())
                        for (int rows = 1; rows <= Sgemm.FewRowsLimit; rows++)
                        {
                            var x = Random(100 + rows, rows, 70);
                            Compare.Identical(packs.Linear(x, weight).AsSpan(), Functional.Linear(x, weight).AsSpan(), $"{kernel}, {outputs} outputs, {rows} rows");
                        }
                    Assert.That(packs.Count, Is.EqualTo(1), $"{kernel}, {outputs} outputs: one pack");
                }
            }
        }
        finally
        {
            Sgemm.Kernel = saved;
        }
    }

    [Test, NonParallelizable]
    public void A_switch_of_micro_kernel_repacks_the_weight()
    {
        if (Sgemm.BestKernel == Sgemm.KernelKind.Scalar) Assert.Ignore("Only the scalar kernel here: nothing to switch to.");
        var weight = Random(4, 48, 40);
        var x = Random(5, 12, 40);
        var saved = Sgemm.Kernel;
        using var packs = new PackedWeights();
        try
        {
            using (GradMode.NoGrad())
            {
                packs.Linear(x, weight);
                Sgemm.Kernel = Sgemm.KernelKind.Scalar;
                Compare.Identical(packs.Linear(x, weight).AsSpan(), Functional.Linear(x, weight).AsSpan(), "after the switch");
            }
        }
        finally
        {
            Sgemm.Kernel = saved;
        }
    }

    [Test]
    public void A_product_autograd_records_goes_through_linear_and_gets_its_gradients()
    {
        var weight = Random(6, 20, 9);
        weight.RequiresGrad = true;
        var x = Random(7, 10, 9);
        using var packs = new PackedWeights();
        var y = packs.Linear(x, weight);
        Functional.Sum(y).Backward();
        Assert.That(packs.Count, Is.EqualTo(0), "nothing packed for a recorded product");
        Assert.That(weight.Grad, Is.Not.Null, "the product was recorded, so the weight has a gradient");
    }

    [Test]
    public void Shapes_that_do_not_fit_are_refused_as_linear_refuses_them()
    {
        using var packs = new PackedWeights();
        var error = Assert.Throws<ArgumentException>(() => packs.Linear(Tensor.Zeros(8, 4), Tensor.Zeros(3, 5)))!;
        var expected = Assert.Throws<ArgumentException>(() => Functional.Linear(Tensor.Zeros(8, 4), Tensor.Zeros(3, 5)))!;
        Assert.That(error.Message, Is.EqualTo(expected.Message));
    }
}
