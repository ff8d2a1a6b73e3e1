using ScottPlot;

namespace Reversal.Training.Reports.Charts;

/// <summary>The look every chart of the report shares: size, colours and fonts.</summary>
internal static class ChartStyle
{
    /// <summary>Chart width in SVG pixels.</summary>
    public const int Width = 560;

    /// <summary>Chart height in SVG pixels.</summary>
    public const int Height = 300;

    /// <summary>The font family drawn into the SVG (DejaVu Sans where installed, the browser's sans-serif otherwise).</summary>
    public const string Font = "DejaVu Sans";

    /// <summary>Series colours (Tableau 10), by index.</summary>
    public static Color Series(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    /// <summary>Applies the shared fonts and sizes to <paramref name="plot"/>.</summary>
    public static void Apply(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Font.Set(Font);
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 12);
        plot.YLabel(yLabel, size: 12);
    }
}
