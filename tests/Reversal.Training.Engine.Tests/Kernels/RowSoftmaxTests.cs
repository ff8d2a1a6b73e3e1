using System.Numerics.Tensors;
using Reversal.Training.Engine.Kernels;

namespace Reversal.Training.Engine.Tests.Kernels;

/// <summary><see cref="RowSoftmax"/>: the softmax rows attention and cross-entropy use, against double references.</summary>
[TestFixture]
public class RowSoftmaxTests
{
    [Test]
    public void SoftmaxInPlace_MatchesTheDoubleSoftmax_AndReturnsTheLogSumExp_AtEveryLength()
    {
        var random = new Random(11);
        for (int length = 1; length <= 257; length++)
        {
            var row = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
            if (length > 3) row[1] = float.NegativeInfinity;
            double max = row.Max(), sum = row.Sum(x => Math.Exp(x - max));
            var expected = row.Select(x => Math.Exp(x - max) / sum).ToArray();
            float lse = RowSoftmax.SoftmaxInPlace(row);
            Assert.That(lse, Is.EqualTo(max + Math.Log(sum)).Within(1e-5 * Math.Max(1, Math.Abs(max))), $"length {length}: log-sum-exp");
            for (int i = 0; i < length; i++)
                Assert.That(row[i], Is.EqualTo(expected[i]).Within(2e-6 * expected[i] + 1e-30), $"length {length}, element {i}");
        }
    }

    [Test]
    public void SoftmaxInPlace_OfAnAllMaskedRow_IsZeros()
    {
        var row = new[] { float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity };
        Assert.That(RowSoftmax.SoftmaxInPlace(row), Is.EqualTo(float.NegativeInfinity));
        Assert.That(row, Is.All.EqualTo(0f));
    }

    [Test]
    public void LogSumExp_MatchesDouble_ForAVocabularyRow()
    {
        var random = new Random(3);
        var row = Enumerable.Range(0, 4099).Select(_ => (float)(random.NextDouble() * 30 - 15)).ToArray();
        double max = row.Max(), expected = max + Math.Log(row.Sum(x => Math.Exp(x - max)));
        Assert.That(RowSoftmax.LogSumExp(row), Is.EqualTo(expected).Within(2e-6 * Math.Abs(expected)));
    }

    /// <summary>The fused pass gives the bits of subtract, multiply, multiply done as three element-wise passes.</summary>
    [Test]
    public void ScoreGradientInPlace_GivesTheBitsOfThreeSeparatePasses_AtEveryLength()
    {
        var random = new Random(5);
        for (int length = 1; length <= 257; length++)
        {
            var gradient = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var probabilities = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
            float delta = (float)random.NextDouble(), scale = 0.17677669f;
            var expected = (float[])gradient.Clone();
            TensorPrimitives.Subtract(expected, delta, expected);
            TensorPrimitives.Multiply(expected, probabilities, expected);
            TensorPrimitives.Multiply(expected, scale, expected);
            RowSoftmax.ScoreGradientInPlace(gradient, probabilities, delta, scale);
            Assert.That(gradient, Is.EqualTo(expected), $"length {length}");
        }
    }

    [Test]
    public void ScoreGradientInPlace_RefusesShortProbabilities()
    {
        var error = Assert.Throws<ArgumentException>(() => RowSoftmax.ScoreGradientInPlace(new float[6], new float[5], 0f, 1f));
        Assert.That(error!.Message, Does.Contain("probabilities has 5 elements, gradient 6"));
    }

    [Test]
    public void Max_and_Scale_give_the_bits_of_TensorPrimitives_at_every_length()
    {
        var random = new Random(11);
        for (int length = 0; length <= 257; length++)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 200 - 100);
            if (length > 3) x[length / 3] = float.NegativeInfinity;
            if (length > 0)
                Assert.That(RowSoftmax.Max(x), Is.EqualTo(TensorPrimitives.Max<float>(x)), $"max, length {length}");
            else
                Assert.That(RowSoftmax.Max(x), Is.EqualTo(float.NegativeInfinity), "max of an empty row");
            var scaled = new float[length + 1];
            scaled[length] = 7f;
            RowSoftmax.Scale(x, 0.37f, scaled);
            var expected = new float[length];
            TensorPrimitives.Multiply(x, 0.37f, expected);
            Assert.That(scaled[..length], Is.EqualTo(expected), $"scale, length {length}");
            Assert.That(scaled[length], Is.EqualTo(7f), $"scale wrote past the source, length {length}");
            if (length > 0)
            {
                x[random.Next(length)] = float.NaN;
                Assert.That(RowSoftmax.Max(x), Is.NaN, $"max with a NaN, length {length}");
            }
        }
        Assert.Throws<ArgumentException>(() => RowSoftmax.Scale(new float[3], 1f, new float[2]));
    }
}
