using Reversal.Training;
using ScottPlot;

namespace Reversal.Training.Reports.Charts;

/// <summary>
/// The training-loss curve of one objective: per member objective (e.g. <c>ntp</c> and <c>bico</c> of the BICO mix), its
/// steps' losses as a faint line and their trailing moving average as a solid one, against the optimizer step.
/// </summary>
internal static class LossCurveChart
{
    /// <summary>Steps in the trailing moving average.</summary>
    public const int Window = 20;

    /// <summary>The chart as SVG text.</summary>
    /// <exception cref="ArgumentException">The report has no finite loss.</exception>
    public static string Svg(string objective, TrainingReport training)
    {
        var plot = new Plot();
        ChartStyle.Apply(plot, $"{objective}: training loss", "optimizer step", "loss (nats / token)");
        string[] members = [.. training.Objectives.Distinct(StringComparer.Ordinal)];
        int drawn = 0;
        for (int m = 0; m < members.Length; m++)
        {
            var steps = new List<double>();
            var losses = new List<double>();
            for (int i = 0; i < training.Losses.Count; i++)
            {
                if (training.Objectives[i] != members[m] || !double.IsFinite(training.Losses[i])) continue;
                steps.Add(i + 1);
                losses.Add(training.Losses[i]);
            }
            if (steps.Count == 0) continue;
            Color color = ChartStyle.Series(m);
            var raw = plot.Add.ScatterLine(steps.ToArray(), losses.ToArray(), color.WithAlpha(0.25));
            raw.LineWidth = 1;
            var average = plot.Add.ScatterLine(steps.ToArray(), MovingAverage(losses), color);
            average.LineWidth = 2.5f;
            average.LegendText = members.Length > 1 ? $"{members[m]} steps (mean of {Window})" : $"mean of {Window} steps";
            drawn++;
        }
        if (drawn == 0) throw new ArgumentException($"The training report of '{objective}' has no finite loss to draw.", nameof(training));
        plot.Axes.SetLimitsY(0, Math.Max(0.1, training.Losses.Where(double.IsFinite).Max() * 1.05));
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetSvgXml(ChartStyle.Width, ChartStyle.Height);
    }

    /// <summary>Mean of the last <see cref="Window"/> values up to each index (fewer at the start).</summary>
    internal static double[] MovingAverage(IReadOnlyList<double> values)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= Window) sum -= values[i - Window];
            result[i] = sum / Math.Min(i + 1, Window);
        }
        return result;
    }
}
