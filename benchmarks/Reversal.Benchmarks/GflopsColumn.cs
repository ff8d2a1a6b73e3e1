using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Reversal.Benchmarks;

/// <summary>A BenchmarkDotNet column of GFLOP/s: a benchmark case's floating-point operations per call over its mean time.</summary>
/// <param name="flopsPerCall">The operations one call of a case performs, or null where the case has no such count.</param>
/// <param name="legend">How the operations are counted, for the summary's legend.</param>
internal sealed class GflopsColumn(Func<BenchmarkCase, double?> flopsPerCall, string legend) : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"Billions of floating-point operations per second ({legend})";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not double ns || ns <= 0 || flopsPerCall(benchmarkCase) is not double flops) return "-";
        return (flops / ns).ToString("F1", CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
