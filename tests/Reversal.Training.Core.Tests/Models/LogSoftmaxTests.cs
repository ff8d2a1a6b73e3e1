using Reversal.Training.Models;

namespace Reversal.Training.Core.Tests.Models;

/// <summary><see cref="LogSoftmax"/> (vectorised float exponentials summed in double) against a plain double
/// reference, across odd row sizes, and its answers for rows that have no log-softmax.</summary>
public class LogSoftmaxTests
{
    private static double Reference(float[] row, int index)
    {
        double max = row.Max(v => (double)v);
        double sum = row.Sum(v => Math.Exp(v - max));
        return row[index] - max - Math.Log(sum);
    }

    [Test]
    public void Every_entry_matches_a_double_reference_for_sizes_1_to_257()
    {
        var random = new Random(11);
        for (int size = 1; size <= 257; size += 8)
        {
            var row = new float[size];
            for (int i = 0; i < size; i++) row[i] = (float)((random.NextDouble() - 0.5) * 40);
            double normalizer = LogSoftmax.LogNormalizer(row);
            for (int i = 0; i < size; i++)
            {
                double expected = Reference(row, i);
                Assert.That(LogSoftmax.At(row, i), Is.EqualTo(expected).Within(1e-6 * Math.Max(1, Math.Abs(expected))), $"size {size}, entry {i}");
                Assert.That(row[i] - normalizer, Is.EqualTo(LogSoftmax.At(row, i)), $"size {size}, entry {i}: At is row[i] - LogNormalizer");
            }
        }
    }

    [Test]
    public void Probabilities_sum_to_one_and_huge_logits_stay_finite()
    {
        var row = new float[] { 30000f, 30001f, -5f, 29999.5f };
        double total = Enumerable.Range(0, row.Length).Sum(i => Math.Exp(LogSoftmax.At(row, i)));
        Assert.That(total, Is.EqualTo(1.0).Within(1e-6));
        Assert.That(LogSoftmax.At(row, 2), Is.EqualTo(-5 - 30001 - Math.Log(1 + Math.Exp(-1) + Math.Exp(-1.5))).Within(1e-6));
    }

    [Test]
    public void Rows_without_a_log_softmax_give_NaN_and_bad_arguments_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LogSoftmax.At([1f, float.NaN, 2f], 0), Is.NaN);
            Assert.That(LogSoftmax.At([1f, float.PositiveInfinity], 0), Is.NaN);
            Assert.That(LogSoftmax.At([float.NegativeInfinity, float.NegativeInfinity], 0), Is.NaN);
            Assert.That(() => LogSoftmax.At([1f, 2f], 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => LogSoftmax.LogNormalizer([]), Throws.ArgumentException.With.Message.Contains("empty"));
        });
    }
}
