using Spectre.Console;
using Spectre.Console.Rendering;

namespace Reversal.FineTuning;

/// <summary>The console rendering of <see cref="ExperimentResults"/>: the same header and cells as <c>results.md</c>.</summary>
internal static class ResultsTable
{
    public static IRenderable Render(ExperimentResults results)
    {
        var table = new Table().Border(TableBorder.Rounded);
        var header = results.Header();
        table.AddColumn(Markup.Escape(header[0]));
        foreach (string column in header.Skip(1))
            table.AddColumn(new TableColumn(Markup.Escape(column.Replace(" greedy", "\ngreedy", StringComparison.Ordinal).Replace(" (chance", "\n(chance", StringComparison.Ordinal))).RightAligned());
        foreach (var row in results.Rows) table.AddRow(results.Cells(row).Select(Markup.Escape).ToArray());
        return table;
    }
}
