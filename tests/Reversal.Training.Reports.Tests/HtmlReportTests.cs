using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Reversal.Training.Reports.Tests;

public class HtmlReportTests
{
    [Test]
    public void The_page_holds_a_chart_per_split_and_per_trained_objective_as_inline_svg()
    {
        string html = ReversalCurseHtmlReport.Render(ReportFixture.Create());

        string[] ids = [.. Regex.Matches(html, "<figure class=\"chart\" id=\"([^\"]+)\">").Select(m => m.Groups[1].Value)];
        Assert.That(ids, Is.EqualTo(new[] { "split-d2p", "split-p2d", "split-p2d_reverse", "split-d2p_reverse", "loss-ntp", "loss-bico", "loss-abi" }));
        foreach (Match svg in Regex.Matches(html, "<svg.*?</svg>", RegexOptions.Singleline))
            Assert.DoesNotThrow(() => XElement.Parse(svg.Value), "every chart is well-formed SVG");
        Assert.That(Regex.Matches(html, "<svg").Count, Is.EqualTo(7));
        // Every id is unique in the page and every local reference points at an id of the same chart.
        string[] elementIds = [.. Regex.Matches(html, " id=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];
        Assert.That(elementIds, Is.Unique);
        foreach (Match reference in Regex.Matches(html, "url\\(#([^)]+)\\)"))
            Assert.That(elementIds, Does.Contain(reference.Groups[1].Value));
    }

    [Test]
    public void The_page_is_self_contained()
    {
        string html = ReversalCurseHtmlReport.Render(ReportFixture.Create());

        Assert.That(html, Does.Not.Match("(src|href)\\s*=\\s*\"(https?:)?//"), "nothing is loaded from the network");
        Assert.That(html, Does.Not.Contain("<script"));
        Assert.That(html, Does.Not.Contain("<img"));
        Assert.That(html, Does.Not.Contain("@import"));
        Assert.That(Regex.Matches(html, "url\\((?!#)").Count, Is.Zero, "url(...) only for references inside the page");
    }

    [Test]
    public void The_page_shows_the_tables_settings_and_wall_time()
    {
        string html = ReversalCurseHtmlReport.Render(ReportFixture.Create());

        Assert.That(html, Does.Contain("<table class=\"results\">"));
        Assert.That(html, Does.Contain("<table class=\"metrics\">"));
        Assert.That(html, Does.Contain("<table class=\"settings\">"));
        Assert.That(html, Does.Contain("<td>epochs</td><td>25</td>"));
        Assert.That(html, Does.Contain("Wall time 6 min 12 s"));
        Assert.That(html, Does.Contain("<td>p2d_reverse</td>"), "the metrics table has a row per split");
        Assert.That(html, Does.Contain("60.0% (+1.00)"), "the randomized test: share and paired difference");
    }

    [Test]
    public void Without_training_reports_there_are_no_loss_charts()
    {
        string html = ReversalCurseHtmlReport.Render(ReportFixture.Create(withTraining: false));

        Assert.That(html, Does.Not.Contain("id=\"loss-"));
        Assert.That(html, Does.Not.Contain("<h2>Training loss</h2>"));
    }

    [Test]
    public void Text_from_the_report_is_escaped()
    {
        var report = ReportFixture.Create();
        report.Settings.Add(new("<b>data</b>", "a & b"));

        string html = ReversalCurseHtmlReport.Render(report, "Run <1>");

        Assert.That(html, Does.Contain("&lt;b&gt;data&lt;/b&gt;").And.Contain("a &amp; b").And.Contain("<h1>Run &lt;1&gt;</h1>"));
    }

    [Test]
    public void WriteTo_writes_report_html_and_refuses_bad_input()
    {
        using var temp = new TempDirectory();
        string path = ReversalCurseHtmlReport.WriteTo(ReportFixture.Create(), temp.Path);

        Assert.That(path, Is.EqualTo(temp.File("report.html")));
        Assert.That(File.ReadAllText(path), Does.StartWith("<!DOCTYPE html>"));
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => ReversalCurseHtmlReport.Render(null!));
            Assert.Throws<ArgumentException>(() => ReversalCurseHtmlReport.Render(new Evaluation.Reports.ReversalCurseReport()));
            Assert.Throws<ArgumentException>(() => ReversalCurseHtmlReport.WriteTo(ReportFixture.Create(), " "));
        });
    }
}
