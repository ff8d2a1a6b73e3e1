using System.Globalization;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Reversal.Demo;

/// <summary>The console rendering of a report: rows = objectives, columns = splits (greedy / rank@1, chance in the header).</summary>
internal static class ResultsTable
{
    public static IRenderable Render(ReversalCurseReport report)
    {
        var first = report[report.Objectives[0]];
        var table = new Table().Border(TableBorder.Rounded).AddColumn("objective");
        foreach (var split in first.Splits)
            table.AddColumn(new TableColumn($"{split.Split}\ngreedy / rank@1\n(chance {Percent(split.Chance)})").RightAligned());
        foreach (string objective in report.Objectives)
        {
            var result = report[objective];
            var cells = new List<string> { objective };
            foreach (var split in first.Splits)
            {
                var s = result[split.Split];
                string cell = $"{Percent(s.Greedy[ReversalCurseReport.MainDecoder])} / {Percent(s.Rank1)}";
                foreach (var (decoder, accuracy) in s.Greedy.Where(g => g.Key != ReversalCurseReport.MainDecoder))
                    cell += $"\n{decoder}: {Percent(accuracy)}";
                cells.Add(cell);
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    /// <summary>The per-paper metrics: rows = objective × split, as <see cref="ReversalCurseReport.ToMetricsMarkdown"/>.</summary>
    public static IRenderable RenderMetrics(ReversalCurseReport report)
    {
        string[] lines = report.ToMetricsMarkdown().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        static string[] Cells(string line) => [.. line.Trim().Trim('|').Split(" | ").Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal))];
        var table = new Table().Border(TableBorder.Rounded).Title("metrics by paper");
        foreach (string header in Cells(lines[0])) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (string line in lines.Skip(2)) table.AddRow(Cells(line).Select(Markup.Escape).ToArray());
        return table;
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
