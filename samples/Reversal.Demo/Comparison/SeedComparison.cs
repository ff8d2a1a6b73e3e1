using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Samples.ReversalCurse;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.IO;

namespace Reversal.Demo.Comparison;

/// <summary>
/// Objectives compared over seeds: per split, greedy accuracy and rank@1 as mean ± sample standard deviation with
/// chance, and each reversed split's rank@1 as a fraction of the forward split with the same kind of answer
/// (<see cref="ReversalPairs"/>): the ratio of the means, and its value per seed. Written as <c>comparison.md</c> and
/// <c>comparison.json</c>.
/// </summary>
internal sealed class SeedComparison
{
    public const string MarkdownFileName = "comparison.md";
    public const string JsonFileName = "comparison.json";

    private readonly IReadOnlyList<RunRecord> _runs;

    /// <exception cref="ArgumentException">No runs, or an objective lacks a seed another has.</exception>
    public SeedComparison(IReadOnlyList<RunRecord> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("A comparison needs at least one run.", nameof(runs));
        _runs = runs;
        Objectives = runs.Select(r => r.Objective).Distinct().ToArray();
        Seeds = runs.Select(r => r.Seed).Distinct().Order().ToArray();
        var names = runs.SelectMany(r => r.Splits.Select(s => s.Split)).Distinct(StringComparer.Ordinal).ToArray();
        Splits = [.. ReversalSplits.All.Where(names.Contains), .. names.Except(ReversalSplits.All).Order(StringComparer.Ordinal)];
        foreach (string objective in Objectives)
        {
            var seeds = RunsOf(objective).Select(r => r.Seed).Order().ToArray();
            if (!seeds.SequenceEqual(Seeds))
                throw new ArgumentException($"'{objective}' has seeds {string.Join(",", seeds)}, the comparison {string.Join(",", Seeds)}.", nameof(runs));
        }
    }

    public IReadOnlyList<string> Objectives { get; }
    public IReadOnlyList<int> Seeds { get; }
    public IReadOnlyList<string> Splits { get; }

    public Statistic Rank1(string objective, string split) => new(RunsOf(objective).Select(r => Split(r, split).Rank1).ToArray());

    public Statistic Greedy(string objective, string split, string decoder) =>
        new(RunsOf(objective).Select(r => Split(r, split).Greedy.TryGetValue(decoder, out double v) ? v : double.NaN).Where(v => !double.IsNaN(v)).ToArray());

    public double Chance(string split) => _runs.Select(r => r.Splits.FirstOrDefault(s => s.Split == split)).First(s => s is not null)!.Chance;

    /// <summary>Mean reversed rank@1 ÷ mean forward rank@1 (NaN when the forward mean is 0).</summary>
    public double RatioOfMeans(string objective, (string Reversed, string Forward) pair)
    {
        double forward = Rank1(objective, pair.Forward).Mean;
        return forward > 0 ? Rank1(objective, pair.Reversed).Mean / forward : double.NaN;
    }

    /// <summary>The reversed ÷ forward rank@1 ratio of every seed.</summary>
    public Statistic RatioPerSeed(string objective, (string Reversed, string Forward) pair) =>
        new(RunsOf(objective).Select(r => Split(r, pair.Forward).Rank1 > 0 ? Split(r, pair.Reversed).Rank1 / Split(r, pair.Forward).Rank1 : double.NaN).ToArray());

    /// <summary>True when every ratio pair's ratio of means is at least <paramref name="threshold"/>.</summary>
    public bool MeetsInBothDirections(string objective, double threshold) =>
        ReversalPairs.All.All(pair => HasPair(pair) && RatioOfMeans(objective, pair) >= threshold);

    /// <summary>Decoders other than the main one, in first-seen order.</summary>
    public IReadOnlyList<string> ExtraDecoders => _runs.SelectMany(r => r.Splits.SelectMany(s => s.Greedy.Keys))
        .Where(d => d != ReversalCurseReport.MainDecoder).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The table's header cells and one row of cells per objective (percentages; mean ± sd over seeds).</summary>
    public (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Cells()
    {
        var header = new List<string> { "objective" };
        foreach (string split in Splits)
        {
            header.Add($"{split} greedy / rank@1 (chance {Percent(Chance(split))})");
            foreach (string decoder in ExtraDecoders) header.Add($"{split} {decoder}");
        }
        var pairs = ReversalPairs.All.Where(HasPair).ToArray();
        header.AddRange(pairs.Select(ReversalPairs.Label));
        var rows = new List<IReadOnlyList<string>>();
        foreach (string objective in Objectives)
        {
            var row = new List<string> { objective };
            foreach (string split in Splits)
            {
                row.Add($"{Greedy(objective, split, ReversalCurseReport.MainDecoder).Percent()} / {Rank1(objective, split).Percent()}");
                foreach (string decoder in ExtraDecoders)
                {
                    var value = Greedy(objective, split, decoder);
                    row.Add(value.Values.Count == 0 ? "—" : value.Percent());
                }
            }
            row.AddRange(pairs.Select(pair => Fraction(RatioOfMeans(objective, pair))));
            rows.Add(row);
        }
        return (header, rows);
    }

    public string ToMarkdown()
    {
        var (header, rows) = Cells();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Mean ± sample standard deviation over seeds {string.Join(", ", Seeds)}, in percent; ratios are mean reversed rank@1 ÷ mean forward rank@1.\n\n");
        AppendRow(text, header);
        AppendRow(text, header.Select(_ => "---"));
        foreach (var row in rows) AppendRow(text, row);
        return text.ToString();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("seeds");
            foreach (int seed in Seeds) json.WriteNumberValue(seed);
            json.WriteEndArray();
            json.WritePropertyName("settings");
            JsonSerializer.Serialize(json, _runs[0].Settings, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
            json.WriteStartObject("objectives");
            foreach (string objective in Objectives)
            {
                json.WriteStartObject(objective);
                json.WriteStartObject("splits");
                foreach (string split in Splits)
                {
                    json.WriteStartObject(split);
                    json.WriteNumber("chance", Chance(split));
                    WriteStatistic(json, "rank1", Rank1(objective, split));
                    json.WriteStartObject("greedy");
                    foreach (string decoder in new[] { ReversalCurseReport.MainDecoder }.Concat(ExtraDecoders))
                    {
                        var value = Greedy(objective, split, decoder);
                        if (value.Values.Count > 0) WriteStatistic(json, decoder, value);
                    }
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteStartObject("ratios");
                foreach (var pair in ReversalPairs.All.Where(HasPair))
                {
                    json.WriteStartObject($"{pair.Reversed}/{pair.Forward}");
                    WriteNumber(json, "ratioOfMeans", RatioOfMeans(objective, pair));
                    WriteStatistic(json, "perSeed", RatioPerSeed(objective, pair));
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                WriteStatistic(json, "trainSeconds", new Statistic(RunsOf(objective).Select(r => r.TrainSeconds).ToArray()));
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFileName), ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(directory, JsonFileName), ToJson());
    }

    private bool HasPair((string Reversed, string Forward) pair) => Splits.Contains(pair.Reversed) && Splits.Contains(pair.Forward);

    private IEnumerable<RunRecord> RunsOf(string objective) => _runs.Where(r => r.Objective == objective).OrderBy(r => r.Seed);

    private static SplitRecord Split(RunRecord run, string split) =>
        run.Splits.FirstOrDefault(s => s.Split == split) ?? throw new KeyNotFoundException($"Run '{run.Objective}' seed {run.Seed} has no split '{split}'.");

    private static void WriteStatistic(Utf8JsonWriter json, string name, Statistic value)
    {
        json.WriteStartObject(name);
        WriteNumber(json, "mean", value.Mean);
        WriteNumber(json, "sd", value.StandardDeviation);
        WriteNumber(json, "min", value.Min);
        WriteNumber(json, "max", value.Max);
        json.WriteStartArray("values");
        foreach (double v in value.Values) { if (double.IsFinite(v)) json.WriteNumberValue(v); else json.WriteNullValue(); }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value); else json.WriteNull(name);
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Fraction(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    private static void AppendRow(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
}
