using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reversal.Training.Reports.Tests;

/// <summary>
/// Opens report.html in headless Chromium and checks that every chart rendered: laid out at its size, made of SVG
/// shapes, and drawing ink when rasterised. Skips only where Chromium is absent outside CI.
/// </summary>
public class HtmlReportBrowserTests
{
    [Test]
    public void Every_chart_renders_in_headless_chromium()
    {
        string chromium = HeadlessChromium.Require();
        using var temp = new TempDirectory();
        string report = ReversalCurseHtmlReport.WriteTo(ReportFixture.Create(), temp.Path);
        // A copy of the page with the checking script appended (the report itself has no script).
        string script = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "ChartCheck.js"));
        string checkedPage = temp.File("checked.html");
        File.WriteAllText(checkedPage, File.ReadAllText(report).Replace("</body>", $"<script>{script}</script></body>", StringComparison.Ordinal));

        string dom = HeadlessChromium.Run(chromium, "--virtual-time-budget=20000", "--window-size=1280,2400", "--dump-dom", new Uri(checkedPage).AbsoluteUri);

        Match match = Regex.Match(dom, "<pre id=\"chart-check\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, "the check script ran; DOM head: " + dom[..Math.Min(300, dom.Length)]);
        using var results = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
        var charts = results.RootElement.EnumerateArray().ToArray();
        Assert.That(charts.Select(c => c.GetProperty("id").GetString()),
            Is.EqualTo(new[] { "split-d2p", "split-p2d", "split-p2d_reverse", "split-d2p_reverse", "loss-ntp", "loss-bico", "loss-abi" }));
        foreach (JsonElement chart in charts)
        {
            string id = chart.GetProperty("id").GetString()!;
            Assert.That(chart.GetProperty("width").GetDouble(), Is.EqualTo(560).Within(1), $"{id} width");
            Assert.That(chart.GetProperty("height").GetDouble(), Is.EqualTo(300).Within(1), $"{id} height");
            Assert.That(chart.GetProperty("shapes").GetInt32(), Is.GreaterThan(20), $"{id} SVG shapes");
            // Axes, labels and data: thousands of non-white pixels of 168,000.
            Assert.That(chart.GetProperty("inked").GetInt32(), Is.GreaterThan(3000), $"{id} non-white pixels");
        }
    }

    [Test]
    public void A_screenshot_of_the_page_is_not_blank()
    {
        string chromium = HeadlessChromium.Require();
        using var temp = new TempDirectory();
        string report = ReversalCurseHtmlReport.WriteTo(ReportFixture.Create(), temp.Path);
        string png = temp.File("report.png");

        HeadlessChromium.Run(chromium, $"--screenshot={png}", "--window-size=1200,1600", new Uri(report).AbsoluteUri);

        Assert.That(File.Exists(png), Is.True);
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(20_000), "a page of tables and charts compresses to tens of kilobytes, a blank one to about one");
    }
}
