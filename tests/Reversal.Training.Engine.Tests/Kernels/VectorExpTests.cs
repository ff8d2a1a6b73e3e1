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
