using Reversal.Training.Engine.Kernels;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary>
/// <see cref="VectorExp"/> against <see cref="Math.Exp(double)"/> in double, its special values, and the property the
/// attention kernel's row exactness relies on: an element's bits do not depend on the span around it.
/// </summary>
[TestFixture]
public class VectorExpTests
{
    /// <summary>Relative error bound: 4 float ulp (2⁻²¹); the polynomial and its roundings stay within about 2.</summary>
    private const double Tolerance = 4.0 / (1 << 23);

    [Test]
    public void Exp_IsWithinFourUlpOfTheDoubleResult_AcrossTheRange()
    {
        var random = new Random(20261201);
        double worst = 0;
        for (int i = 0; i < 200_000; i++)
        {
            float x = (float)(random.NextDouble() * (VectorExp.MaxInput - VectorExp.MinInput) + VectorExp.MinInput);
            double exact = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(VectorExp.Exp(x) - exact) / exact);
        }
        foreach (float x in new[] { 0f, -0f, 1f, -1f, 1e-7f, -1e-7f, 0.3465736f, -0.3465736f, 0.3465737f, -10.5f, -86.49f, 87.99f })
            worst = Math.Max(worst, Math.Abs(VectorExp.Exp(x) - Math.Exp(x)) / Math.Exp(x));
        Assert.That(worst, Is.LessThan(Tolerance), $"worst relative error {worst:E3}");
    }

    [Test]
    public void Exp_OfZero_IsExactlyOne() => Assert.That(VectorExp.Exp(0f), Is.EqualTo(1f));

    [TestCase(float.NegativeInfinity, 0f)]
    [TestCase(-1000f, 0f)]
    [TestCase(-86.51f, 0f)]
    [TestCase(float.PositiveInfinity, float.PositiveInfinity)]
    [TestCase(88.01f, float.PositiveInfinity)]
    public void Exp_OutsideTheRange_IsZeroOrInfinity(float x, float expected)
    {
        Assert.That(VectorExp.Exp(x), Is.EqualTo(expected));
        var y = new float[40];
        VectorExp.ExpShifted(Enumerable.Repeat(x, 40).ToArray(), 0f, y);
        Assert.That(y, Is.All.EqualTo(expected), "vector lanes");
    }

    [Test]
    public void Exp_OfNaN_IsNaN_InEveryLane()
    {
        Assert.That(float.IsNaN(VectorExp.Exp(float.NaN)));
        var x = new float[37];
        x[3] = float.NaN; x[20] = float.NaN; x[36] = float.NaN;
        var y = new float[37];
        float sum = VectorExp.ExpShifted(x, 0f, y);
        Assert.That(float.IsNaN(y[3]) && float.IsNaN(y[20]) && float.IsNaN(y[36]), Is.True);
        Assert.That(y[0], Is.EqualTo(1f));
        Assert.That(float.IsNaN(sum), Is.True, "the sum carries the NaN (divergence is detected downstream)");
    }

    /// <summary>Every length 1..257: each element equals the scalar path bit for bit, wherever it sits in the span.</summary>
    [Test]
    public void ExpShifted_GivesTheScalarBits_AtEveryLengthAndPosition()
    {
        var random = new Random(7);
        for (int length = 1; length <= 257; length++)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 40 - 30);
            if (length > 5) x[length / 2] = float.NegativeInfinity;
            float shift = (float)random.NextDouble();
            var y = new float[length];
            float sum = VectorExp.ExpShifted(x, shift, y);
            double expectedSum = 0;
            for (int i = 0; i < length; i++)
            {
                float expected = VectorExp.Exp(x[i] - shift);
                Assert.That(BitConverter.SingleToInt32Bits(y[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)),
                    $"length {length}, element {i}: {y[i]} against {expected}");
                expectedSum += expected;
            }
            Assert.That(sum, Is.EqualTo(expectedSum).Within(1e-5 * expectedSum + 1e-30), $"length {length}: sum");
        }
    }

    /// <summary>
    /// The sum's bits do not depend on the register width: eight-lane partial sums over whole groups of eight, then
    /// the lanes summed, then the tail in index order (the AVX-512 loop adds its two halves in that order).
    /// </summary>
    [Test]
    public void ExpShifted_sums_in_the_eight_lane_order_at_every_length()
    {
        var random = new Random(9);
        for (int length = 1; length <= 257; length++)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 20 - 15);
            var y = new float[length];
            float sum = VectorExp.ExpShifted(x, 0.25f, y);
            float expected = 0f;
            int whole = length >= 8 ? length / 8 * 8 : 0;
            if (whole > 0)
            {
                var lanes = new float[8];
                for (int i = 0; i < whole; i++) lanes[i % 8] += y[i];
                expected = System.Runtime.Intrinsics.Vector256.Sum(System.Runtime.Intrinsics.Vector256.Create(lanes));
            }
            for (int i = whole; i < length; i++) expected += y[i];
            Assert.That(BitConverter.SingleToInt32Bits(sum), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"length {length}: {sum} against {expected}");
        }
    }

    [Test]
    public void Exp_of_an_AVX512_register_gives_the_scalar_bits_in_every_lane()
    {
        var random = new Random(3);
        var x = new float[16 * 64];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 200 - 110);
        x[5] = float.NaN; x[6] = float.NegativeInfinity; x[7] = float.PositiveInfinity; x[8] = -1e30f; x[9] = 1e30f;
        for (int v = 0; v < x.Length; v += 16)
        {
            var lanes = VectorExp.Exp(System.Runtime.Intrinsics.Vector512.Create(x.AsSpan(v, 16)));
            for (int i = 0; i < 16; i++)
                Assert.That(BitConverter.SingleToInt32Bits(lanes[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(VectorExp.Exp(x[v + i]))),
                    $"x = {x[v + i]}");
        }
    }

    [Test]
    public void ExpShifted_InPlace_EqualsOutOfPlace()
    {
        var x = Enumerable.Range(0, 70).Select(i => (float)Math.Sin(i) * 5).ToArray();
        var y = new float[70];
        float sum = VectorExp.ExpShifted(x, 1.5f, y);
        float sumInPlace = VectorExp.ExpShifted(x, 1.5f, x);
        Assert.That(x, Is.EqualTo(y));
        Assert.That(sumInPlace, Is.EqualTo(sum));
    }

    [Test]
    public void ExpShifted_RefusesAShortOutput()
    {
        var error = Assert.Throws<ArgumentException>(() => VectorExp.ExpShifted(new float[5], 0f, new float[4]));
        Assert.That(error!.Message, Does.Contain("y has 4 elements, x has 5"));
    }
}
