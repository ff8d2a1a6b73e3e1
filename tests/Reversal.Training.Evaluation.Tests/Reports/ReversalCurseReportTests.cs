using System.Text.Json;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Training.Evaluation.Tests.Reports;

public class ReversalCurseReportTests
{
    private static readonly string[] Splits = ["d2p", "p2d", "p2d_reverse", "d2p_reverse"];

    private static ReversalCurseResult Result(double greedy, double rank1, double? infill = null, int candidates = 30) =>
        new(Splits.Select((split, i) => new SplitResult
        {
            Split = split,
            TargetKind = SplitTargetKinds.Default[split],
            Count = 300,
            Candidates = candidates,
            Greedy = infill is double f
                ? new Dictionary<string, double> { ["greedy"] = greedy + i * 0.01, ["greedy_infill"] = f }
                : new Dictionary<string, double> { ["greedy"] = greedy + i * 0.01 },
            Rank1 = rank1,
            Chance = 1.0 / candidates,
        }));

    private static ReversalCurseReport Report() => new ReversalCurseReport()
        .Add("ntp", Result(0.32, 0.9))
        .Add("bico", Result(0.5, 0.95))
        .Add("abi", Result(0.1, 0.6, infill: 0.75));

    [Test]
    public void Json_has_exactly_objectives_splits_and_metrics()
    {
        using var json = JsonDocument.Parse(Report().ToJson());

        JsonElement root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "objectives" }));
        JsonElement objectives = root.GetProperty("objectives");
        Assert.That(objectives.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "ntp", "bico", "abi" }));
        foreach (JsonProperty objective in objectives.EnumerateObject())
        {
            Assert.That(objective.Value.EnumerateObject().Select(p => p.Name), Is.EqualTo(Splits));
            bool infill = objective.Name == "abi";
            foreach (JsonProperty split in objective.Value.EnumerateObject())
            {
                // Today's keys first, in their order, then the added ones.
                string[] today = infill ? ["greedy", "rank1", "chance", "greedy_infill"] : ["greedy", "rank1", "chance"];
                string[] added = ["count", "candidates", "rank1_sum", "decoders"];
                Assert.That(split.Value.EnumerateObject().Select(p => p.Name).ToArray(), Is.EqualTo(today.Concat(added).ToArray()));
                Assert.That(split.Value.EnumerateObject().Take(today.Length + 3).Select(p => p.Value.ValueKind), Is.All.EqualTo(JsonValueKind.Number));
                Assert.That(split.Value.GetProperty("decoders").GetProperty("greedy").GetProperty("berglund_starts_with").GetDouble(),
                    Is.EqualTo(split.Value.GetProperty("greedy").GetDouble()));
                Assert.That(split.Value.GetProperty("chance").GetDouble(), Is.EqualTo(1.0 / 30).Within(1e-12));
            }
        }
        JsonElement ntpReverse = objectives.GetProperty("ntp").GetProperty("p2d_reverse");
        Assert.That(ntpReverse.GetProperty("greedy").GetDouble(), Is.EqualTo(0.34).Within(1e-12));
        Assert.That(ntpReverse.GetProperty("rank1").GetDouble(), Is.EqualTo(0.9));
        Assert.That(objectives.GetProperty("abi").GetProperty("d2p").GetProperty("greedy_infill").GetDouble(), Is.EqualTo(0.75));
    }

    [Test]
    public void Json_numbers_ignore_the_current_culture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            string json = Report().ToJson();
            Assert.That(json, Does.Contain("0.9").And.Not.Contain("0,9"));
            Assert.That(Report().ToMarkdown(), Does.Contain("32.0% / 90.0%"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Test]
    public void Markdown_is_one_table_with_every_objective_and_split()
    {
        string markdown = Report().ToMarkdown();
        string[] lines = markdown.TrimEnd('\n').Split('\n');

        Assert.That(lines, Has.Length.EqualTo(2 + 3));
        Assert.That(lines.Select(l => l.StartsWith("| ") && l.EndsWith(" |")), Is.All.True);
        foreach (string split in Splits)
            Assert.That(lines[0], Does.Contain($"| {split} greedy / rank@1 (chance 3.3%) |"));
        Assert.That(lines[1], Does.Match(@"^\| --- (\| --- )+\|$"));
        Assert.That(lines[2], Does.StartWith("| ntp | 32.0% / 90.0% |"));
        Assert.That(lines[3], Does.StartWith("| bico |"));
        Assert.That(lines[4], Does.StartWith("| abi |"));
        int columns = lines[0].Split(" | ").Length;
        Assert.That(lines.Select(l => l.Split(" | ").Length), Is.All.EqualTo(columns));
    }

    [Test]
    public void Extra_decoders_get_their_own_column_per_split_only_when_present()
    {
        string without = new ReversalCurseReport().Add("ntp", Result(0.32, 0.9)).ToMarkdown();
        Assert.That(without, Does.Not.Contain("greedy_infill"));

        string[] lines = Report().ToMarkdown().Split('\n');
        foreach (string split in Splits)
            Assert.That(lines[0], Does.Contain($"| {split} greedy_infill |"));
        Assert.That(lines[0], Does.Contain("| d2p greedy / rank@1 (chance 3.3%) | d2p greedy_infill | p2d greedy / rank@1"));
        Assert.That(lines[2], Does.StartWith("| ntp | 32.0% / 90.0% | — |"));
        Assert.That(lines[4], Does.StartWith("| abi | 10.0% / 60.0% | 75.0% |"));
    }

    [Test]
    public void Differing_chance_levels_move_into_the_cells()
    {
        string markdown = new ReversalCurseReport().Add("a", Result(0.5, 0.5, candidates: 10)).Add("b", Result(0.5, 0.5, candidates: 20)).ToMarkdown();
        Assert.That(markdown, Does.Contain("| d2p greedy / rank@1 |"));
        Assert.That(markdown, Does.Contain("50.0% / 50.0% (chance 10.0%)").And.Contain("(chance 5.0%)"));
    }

    [Test]
    public void Missing_splits_show_a_dash_and_are_left_out_of_the_json()
    {
        var partial = new ReversalCurseResult([Result(0.2, 0.4).Splits[0]]);
        var report = new ReversalCurseReport().Add("full", Result(0.32, 0.9)).Add("partial", partial);

        Assert.That(report.ToMarkdown(), Does.Contain("| partial | 20.0% / 40.0% | — | — | — |"));
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.That(json.RootElement.GetProperty("objectives").GetProperty("partial").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "d2p" }));
    }

    [Test]
    public void Objective_names_must_be_unique_and_decoders_not_named_like_json_keys()
    {
        var report = Report();
        Assert.Throws<ArgumentException>(() => report.Add("ntp", Result(0, 0)));
        Assert.Throws<ArgumentException>(() => report.Add(" ", Result(0, 0)));
        var clash = new ReversalCurseResult([Result(0, 0).Splits[0] with { Greedy = new Dictionary<string, double> { ["chance"] = 1 } }]);
        Assert.Throws<ArgumentException>(() => report.Add("clash", clash));
        Assert.That(report.Objectives, Is.EqualTo(new[] { "ntp", "bico", "abi" }));
        Assert.That(report["bico"]["p2d"].Rank1, Is.EqualTo(0.95));
    }

    [Test]
    public void WriteTo_writes_both_files_atomically_and_replaces_old_ones()
    {
        string directory = Path.Combine(Path.GetTempPath(), "reversal-eval-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "results.json"), "old content that is longer than nothing");
            var report = Report();

            report.WriteTo(directory);

            Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "results.json", "results.md" }));
            Assert.That(File.ReadAllText(Path.Combine(directory, "results.md")), Is.EqualTo(report.ToMarkdown() + "\n" + report.ToMetricsMarkdown()));
            Assert.That(File.ReadAllText(Path.Combine(directory, "results.json")), Is.EqualTo(report.ToJson()));
            Assert.That(File.ReadAllBytes(Path.Combine(directory, "results.json"))[0], Is.EqualTo((byte)'{'));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void A_result_rejects_repeated_splits_and_finds_splits_by_name()
    {
        SplitResult split = Result(0.1, 0.2).Splits[1];
        Assert.Throws<ArgumentException>(() => new ReversalCurseResult([split, split]));
        var result = new ReversalCurseResult([split]);
        Assert.That(result.TryGetSplit("p2d", out var found) && found == split, Is.True);
        Assert.That(result.TryGetSplit("d2p", out _), Is.False);
        Assert.Throws<KeyNotFoundException>(() => _ = result["d2p"]);
    }
}
