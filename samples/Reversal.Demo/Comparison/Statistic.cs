using System.Globalization;

namespace Reversal.Demo.Comparison;

/// <summary>One measurement over seeds: the values, their mean and their spread (sample standard deviation, n − 1).</summary>
internal sealed record Statistic(IReadOnlyList<double> Values)
{
    public double Mean => Values.Count == 0 ? double.NaN : Values.Average();

    /// <summary>Sample standard deviation; 0 for a single value.</summary>
    public double StandardDeviation => Values.Count < 2 ? 0 : Math.Sqrt(Values.Sum(v => (v - Mean) * (v - Mean)) / (Values.Count - 1));

    public double Min => Values.Count == 0 ? double.NaN : Values.Min();

    public double Max => Values.Count == 0 ? double.NaN : Values.Max();

    /// <summary><c>mean ± sd</c> in percent with one decimal (just the mean for one value).</summary>
    public string Percent() => Values.Count < 2 ? Pct(Mean) : $"{Pct(Mean)} ± {Pct(StandardDeviation)}";

    private static string Pct(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
