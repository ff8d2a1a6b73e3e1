using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;
using static Reversal.Training.Engine.Tests.Reference.OpCheck;

namespace Reversal.Training.Engine.Tests.Operations;

public class RopeTests
{
    // Float32 cos/sin tables (angles from float64) times O(1) values: |error| ≲ 5e-7. The rotation is linear, so the
    // gradient Rᵀ·W has the same error and FD of the linear loss is exact to ~1e-9.
    private static readonly Tolerance Forward = new(2e-6, 1e-6);
    private static readonly Tolerance Gradient = new(2e-6, 1e-6);

    // B = 2, T = 3, H = 2 heads of d = 4; custom, repeated and out-of-order position ids.
    private static readonly int[] Positions = [0, 1, 2, 5, 3, 5];

    [TestCase(false)]
    [TestCase(true)]
    public void Matches_reference_and_finite_differences(bool negateSine)
    {
        var rope = new RotaryEmbedding(4, 16);
        Run([Input(161, 2, 3, 8)], t => Functional.Rope(t[0], rope, Positions, heads: 2, negateSine),
            x => ReferenceOps.Rope(x[0], Positions, 2, 4, negateSine), Forward, Gradient);
    }

    [Test]
    public void Larger_head_and_positions_match()
    {
        var rope = new RotaryEmbedding(8, 64, theta: 500.0);
        int[] positions = [63, 0, 17, 40, 9];
        Run([Input(162, 5, 8)], t => Functional.Rope(t[0], rope, positions, heads: 1),
            x => ReferenceOps.Rope(x[0], positions, 1, 8, negateSine: false, theta: 500.0), Forward, Gradient);
    }

    [Test]
    public void Sine_negated_rotation_inverts_the_standard_one()
    {
        // R(p) is orthogonal with R(p)ᵀ = R(−p): Rope(Rope(x, p), p, negate) == x up to float32 rounding.
        var rope = new RotaryEmbedding(6, 32);
        int[] positions = [0, 7, 31, 12, 3, 25, 30];
        var x = TestData.Constant(163, 7, 18);
        var rotated = Functional.Rope(x, rope, positions, heads: 3);
        var back = Functional.Rope(rotated, rope, positions, heads: 3, negateSine: true);
        var again = Functional.Rope(Functional.Rope(x, rope, positions, 3, negateSine: true), rope, positions, 3);
        Compare.Close(back.ToArray(), TestData.ToDouble(x.ToArray()), new Tolerance(1e-6, 1e-6), "R(-p)·R(p)·x");
        Compare.Close(again.ToArray(), TestData.ToDouble(x.ToArray()), new Tolerance(1e-6, 1e-6), "R(p)·R(-p)·x");
    }

    [Test]
    public void Rotation_preserves_the_norm_of_every_head()
    {
        var rope = new RotaryEmbedding(4, 16);
        var x = TestData.Constant(164, 6, 8);
        var y = Functional.Rope(x, rope, Positions, heads: 2).ToArray();
        var xs = x.ToArray();
        for (int head = 0; head < 12; head++)
        {
            double nx = xs.Skip(head * 4).Take(4).Sum(v => (double)v * v);
            double ny = y.Skip(head * 4).Take(4).Sum(v => (double)v * v);
            Assert.That(ny, Is.EqualTo(nx).Within(1e-5 * nx), $"head {head}");
        }
    }

    [Test]
    public void Position_zero_is_the_identity()
    {
        var rope = new RotaryEmbedding(4, 8);
        var x = TestData.Constant(165, 2, 4);
        Assert.Multiple(() =>
        {
            Assert.That(Functional.Rope(x, rope, [0, 0], heads: 1).ToArray(), Is.EqualTo(x.ToArray()));
            Assert.That(Functional.Rope(x, rope, [0, 0], heads: 1, negateSine: true).ToArray(), Is.EqualTo(x.ToArray()));
        });
    }

    [Test]
    public void Mismatched_positions_and_out_of_table_positions_throw()
    {
        var rope = new RotaryEmbedding(4, 8);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => Functional.Rope(Tensor.Zeros(3, 8), rope, [0, 1], heads: 2));
            Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Rope(Tensor.Zeros(2, 4), rope, [0, 8], heads: 1));
        });
    }
}
