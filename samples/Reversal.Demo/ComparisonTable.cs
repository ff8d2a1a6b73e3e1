using Reversal.Demo.Comparison;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Reversal.Demo;

/// <summary>The console rendering of a <see cref="SeedComparison"/>: the same cells as <c>comparison.md</c>.</summary>
internal static class ComparisonTable
{
    public static IRenderable Render(SeedComparison comparison)
    {
        var (header, rows) = comparison.Cells();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"mean ± sd over seeds {string.Join(", ", comparison.Seeds)} (percent); ratios: reversed ÷ forward rank@1");
        table.AddColumn(Markup.Escape(header[0]));
        foreach (string cell in header.Skip(1)) table.AddColumn(new TableColumn(Markup.Escape(cell)).RightAligned());
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        return table;
    }
}
