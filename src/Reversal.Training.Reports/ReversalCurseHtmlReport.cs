using System.Globalization;
using System.Text;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.IO;
using Reversal.Training.Reports.Charts;
using Reversal.Training.Reports.Html;

namespace Reversal.Training.Reports;

/// <summary>
/// A <see cref="ReversalCurseReport"/> as one self-contained HTML page (<c>report.html</c>): the results tables, a
/// bar chart per split of greedy accuracy and rank@1 with chance marked, each objective's training-loss curve, the
/// metric definitions, the run's settings and wall time. Charts are drawn with ScottPlot as inline SVG; the page loads
/// nothing from anywhere (no scripts, fonts or images from the network), so it opens offline and stays text.
/// </summary>
/// <example><code>
/// report.WriteTo(output);                          // results.md + results.json
/// ReversalCurseHtmlReport.WriteTo(report, output); // report.html
/// </code></example>
public static class ReversalCurseHtmlReport
{
    /// <summary>File name written by <see cref="WriteTo"/>.</summary>
    public const string FileName = "report.html";

    /// <summary>CSS class of every chart's <c>&lt;figure&gt;</c> (one per split and one per trained objective).</summary>
    public const string ChartClass = "chart";

    /// <summary>The page as HTML text.</summary>
    /// <param name="report">The results, with training reports, settings and wall time when known.</param>
    /// <param name="title">The page heading (default "Reversal-curse run").</param>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    /// <exception cref="ArgumentException">The report has no objective.</exception>
    public static string Render(ReversalCurseReport report, string title = "Reversal-curse run")
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        if (report.Objectives.Count == 0) throw new ArgumentException("The report has no objective to show.", nameof(report));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(HtmlText.Escape(title)).Append("</title>\n<style>").Append(Css).Append("</style></head>\n<body>\n")
            .Append("<h1>").Append(HtmlText.Escape(title)).Append("</h1>\n");
        if (report.WallTime is TimeSpan wall)
            html.Append("<p class=\"meta\">Wall time ").Append(HtmlText.Escape(FormatDuration(wall))).Append(" for training and evaluating ")
                .Append(report.Objectives.Count).Append(report.Objectives.Count == 1 ? " objective" : " objectives").Append(".</p>\n");

        html.Append("<h2>Results</h2>\n");
        AppendMarkdownTable(html, "results", report.ToMarkdown());
        html.Append("<p class=\"note\">greedy = Berglund starts-with accuracy of greedy decoding; rank@1 = the true completion has the highest summed log-probability among the split's distinct completions; chance = 1 / completions.</p>\n");

        html.Append("<h2>Accuracy by split</h2>\n<div class=\"charts\">\n");
        foreach (string split in report.Objectives.SelectMany(o => report[o].Splits.Select(s => s.Split)).Distinct(StringComparer.Ordinal))
            AppendChart(html, $"split-{split}", SplitAccuracyChart.Svg(report, split), $"{split}: greedy and rank@1 per objective; dashed line: chance.");
        html.Append("</div>\n");

        var trained = report.Objectives.Where(o => report.Training(o) is { Steps: > 0 }).ToArray();
        if (trained.Length > 0)
        {
            html.Append("<h2>Training loss</h2>\n<div class=\"charts\">\n");
            foreach (string objective in trained)
            {
                var training = report.Training(objective)!;
                AppendChart(html, $"loss-{objective}", LossCurveChart.Svg(objective, training),
                    $"{objective}: {training.Steps:N0} steps, {training.EpochsCompleted} epochs, {FormatDuration(training.Elapsed)}, final loss {training.FinalLoss.ToString("0.000", CultureInfo.InvariantCulture)}.");
            }
            html.Append("</div>\n");
        }

        html.Append("<h2>Metrics by paper</h2>\n");
        AppendMarkdownTable(html, "metrics", report.ToMetricsMarkdown());
        html.Append("<ul class=\"note\">")
            .Append("<li><b>Berglund starts-with</b> (Berglund et al., 2023): the stripped, lower-cased answer of greedy decoding starts with the full target.</li>")
            .Append("<li><b>BICO name in N / BLEU</b> (Lv et al., 2023, their released code): names count when the lower-cased target occurs in the answer of N = 40 generated tokens; descriptions score the mean sentence BLEU-4 of that answer against the target (character n-grams and no smoothing, as their code computes it, unless the settings say otherwise).</li>")
            .Append("<li><b>rank@1 sum / mean</b>: the true completion ranks first among the split's distinct completions by summed log-probability (favours short completions) or by mean log-probability per token.</li>")
            .Append("<li><b>true &gt; random</b> (Berglund et al.'s randomized test): the share of rows whose true completion is likelier than another person's after the same prompt (chance 50%), with the paired mean log-probability difference in nats.</li>")
            .Append("</ul>\n");

        if (report.Settings.Count > 0)
        {
            html.Append("<h2>Settings</h2>\n");
            HtmlText.Table(html, "settings", ["setting", "value"], report.Settings.Select(kv => (IReadOnlyList<string>)[kv.Key, kv.Value]));
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/> (created when missing), replaced atomically.</summary>
    /// <returns>The path of the written file.</returns>
    /// <exception cref="ArgumentException">The folder name is empty or the report has no objective.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static string WriteTo(ReversalCurseReport report, string directory, string title = "Reversal-curse run")
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string page = Render(report, title);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        AtomicFile.WriteAllText(path, page);
        return path;
    }

    private static void AppendChart(StringBuilder html, string id, string svg, string caption) =>
        html.Append("<figure class=\"").Append(ChartClass).Append("\" id=\"").Append(HtmlText.Escape(id)).Append("\">")
            .Append(HtmlText.SvgElement(svg, id)).Append("<figcaption>").Append(HtmlText.Escape(caption)).Append("</figcaption></figure>\n");

    /// <summary>Renders a Markdown pipe table of <see cref="ReversalCurseReport"/> (header, separator, rows) as HTML.</summary>
    private static void AppendMarkdownTable(StringBuilder html, string cssClass, string markdown)
    {
        var rows = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith('|'))
            .Select(line => (IReadOnlyList<string>)[.. SplitCells(line)])
            .ToList();
        if (rows.Count < 2) return;
        HtmlText.Table(html, cssClass, rows[0], rows.Skip(2));
    }

    /// <summary>The cells of a Markdown table row, honouring <c>\|</c> escapes.</summary>
    private static IEnumerable<string> SplitCells(string line)
    {
        var cell = new StringBuilder();
        string body = line.Trim();
        body = body[1..^1];
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length && body[i + 1] == '|') { cell.Append('|'); i++; continue; }
            if (body[i] == '|') { yield return cell.ToString().Trim(); cell.Clear(); continue; }
            cell.Append(body[i]);
        }
        yield return cell.ToString().Trim();
    }

    private static string FormatDuration(TimeSpan time) => time.TotalMinutes >= 1
        ? $"{(int)time.TotalMinutes} min {time.Seconds} s"
        : time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private const string Css = """
        body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
        h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.25em;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
        table{border-collapse:collapse;margin:8px 0;font-size:.9em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
        th:first-child,td:first-child{text-align:left}thead th{background:#f3f3f3}
        table.metrics td:nth-child(2),table.metrics td:nth-child(3),table.settings td{text-align:left}
        .charts{display:flex;flex-wrap:wrap;gap:12px}figure.chart{margin:0;border:1px solid #e5e5e5;padding:6px;background:#fff}
        figure.chart svg{display:block}figcaption{font-size:.8em;color:#555;max-width:560px}
        .meta,.note{color:#555;font-size:.9em}
        """;
}
