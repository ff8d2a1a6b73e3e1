using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;
using ScottPlot;

namespace Reversal.Training.Reports.Charts;

/// <summary>
/// One split's bar chart: per objective, the greedy (Berglund starts-with) accuracy and rank@1 (summed log-probability)
/// side by side, in percent, with the split's chance level as a dashed line.
/// </summary>
internal static class SplitAccuracyChart
{
    private static readonly string[] Series = ["greedy", "rank@1"];

    /// <summary>The chart as SVG text; objectives without the split are left out.</summary>
    public static string Svg(ReversalCurseReport report, string split)
    {
        var plot = new Plot();
        ChartStyle.Apply(plot, split, "", "accuracy (%)");
        var positions = new List<double>();
        var labels = new List<string>();
        var bars = new List<Bar>();
        double? chance = null;
        int group = 0;
        foreach (string objective in report.Objectives)
        {
            if (!report[objective].TryGetSplit(split, out SplitResult? result)) continue;
            double[] values =
            [
                result.Greedy.TryGetValue(ReversalCurseReport.MainDecoder, out double greedy) ? greedy : double.NaN,
                result.Rank1,
            ];
            for (int s = 0; s < values.Length; s++)
            {
                if (double.IsNaN(values[s])) continue;
                bars.Add(new Bar
                {
                    Position = group * 3 + s, Value = values[s] * 100, FillColor = ChartStyle.Series(s),
                    Label = (values[s] * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture), Size = 0.9,
                });
            }
            positions.Add(group * 3 + 0.5);
            labels.Add(objective);
            chance = result.Chance;
            group++;
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.SetTicks([.. positions], [.. labels]);
        plot.Axes.SetLimits(-1, Math.Max(1, group * 3 - 1), 0, 110);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = Series[0], FillColor = ChartStyle.Series(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = Series[1], FillColor = ChartStyle.Series(1) });
        if (chance is double level)
        {
            plot.Add.HorizontalLine(level * 100, 1.5f, Colors.Black, LinePattern.Dashed);
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"chance {(level * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}%",
                LineColor = Colors.Black, LinePattern = LinePattern.Dashed, LineWidth = 1.5f,
            });
        }
        plot.ShowLegend(Edge.Right); // outside the data area: bars may reach 100%
        return plot.GetSvgXml(ChartStyle.Width, ChartStyle.Height);
    }
}
