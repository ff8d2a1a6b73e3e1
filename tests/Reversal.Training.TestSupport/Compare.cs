using System.Globalization;
using System.Text;
using NUnit.Framework;

namespace Reversal.Training.TestSupport;

/// <summary>An absolute + relative tolerance: |actual − expected| ≤ Atol + Rtol·|expected|.</summary>
public readonly record struct Tolerance(double Atol, double Rtol)
{
    /// <summary>True when <paramref name="actual"/> is within tolerance of <paramref name="expected"/>.</summary>
    public bool Accepts(double actual, double expected) =>
        Math.Abs(actual - expected) <= Atol + Rtol * Math.Abs(expected) && !double.IsNaN(actual) && !double.IsNaN(expected);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"atol {Atol:g3}, rtol {Rtol:g3}");
}

/// <summary>Element-wise comparisons that report the worst offenders.</summary>
public static class Compare
{
    /// <summary>Asserts every element of <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static void Close(ReadOnlySpan<float> actual, IReadOnlyList<double> expected, Tolerance tolerance, string what)
    {
        int length = actual.Length;
        Assert.That(length, Is.EqualTo(expected.Count), $"{what}: element count");
        int failures = 0;
        double worst = 0;
        var report = new StringBuilder();
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            worst = Math.Max(worst, double.IsNaN(error) ? double.PositiveInfinity : error);
            if (tolerance.Accepts(actual[i], expected[i])) continue;
            if (++failures <= 8)
                report.Append(CultureInfo.InvariantCulture, $"\n  [{i}] actual {actual[i]:R}, expected {expected[i]:R}, |diff| {error:g3}");
        }
        Assert.That(failures, Is.EqualTo(0),
            () => $"{what}: {failures} of {length} elements outside {tolerance} (max |diff| {worst:g3}):{report}");
    }

    /// <summary>Asserts the float arrays are bit-identical.</summary>
    public static void Identical(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        int first = -1, count = 0;
        for (int i = 0; i < actual.Length; i++)
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            {
                if (first < 0) first = i;
                count++;
            }
        string detail = first < 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"first at [{first}]: {actual[first]:R} vs {expected[first]:R}");
        Assert.That(count, Is.EqualTo(0), () => $"{what}: {count} elements differ in bits; {detail}");
    }
}
