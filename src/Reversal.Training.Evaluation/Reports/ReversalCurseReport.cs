using Reversal.Training;
using Reversal.Training.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Training.Generation;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Training.Evaluation.Reports;

/// <summary>
/// Reversal-curse results of several objectives (e.g. <c>ntp</c>, <c>bico</c>, <c>abi</c>) side by side, with each
/// objective's training curve when given, the run's settings and wall time, as Markdown tables and as JSON.
/// </summary>
/// <example><code>
/// var report = new ReversalCurseReport();
/// report.Add("ntp", ntpResult);
/// report.Add("bico", bicoResult);
/// report.WriteTo("runs/reversal");   // results.md + results.json
/// </code></example>
public sealed class ReversalCurseReport
{
    /// <summary>File name of the Markdown table written by <see cref="WriteTo"/>.</summary>
    public const string MarkdownFileName = "results.md";

    /// <summary>File name of the JSON written by <see cref="WriteTo"/>.</summary>
    public const string JsonFileName = "results.json";

    /// <summary>The decoder whose accuracy shares a column with rank@1 (<see cref="CausalGreedyDecoder"/>'s name).</summary>
    public const string MainDecoder = "greedy";

    private readonly List<string> _objectives = [];
    private readonly Dictionary<string, ReversalCurseResult> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrainingReport> _training = new(StringComparer.Ordinal);

    /// <summary>The run's settings as name → value (e.g. <c>epochs</c> → <c>25</c>), written in order of insertion.</summary>
    public IList<KeyValuePair<string, string>> Settings { get; } = [];

    /// <summary>The run's wall-clock time (null: not reported).</summary>
    public TimeSpan? WallTime { get; set; }

    /// <summary>The training report of the objective named <paramref name="objective"/>, when one was added.</summary>
    public TrainingReport? Training(string objective) => _training.GetValueOrDefault(objective);

    /// <summary>The objective names, in the order they were added.</summary>
    public IReadOnlyList<string> Objectives => _objectives.AsReadOnly();

    /// <summary>The result of the objective named <paramref name="objective"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such objective was added.</exception>
    public ReversalCurseResult this[string objective] =>
        _results.TryGetValue(objective, out var result) ? result : throw new KeyNotFoundException($"No result for objective '{objective}'.");

    /// <summary>Adds the result of one objective (one table row).</summary>
    /// <param name="objective">The objective's name, e.g. <c>bico</c>.</param>
    /// <param name="result">Its scores.</param>
    /// <returns>This report, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="objective"/> is empty or already present, or a decoder in
    /// <paramref name="result"/> has a reserved name (a JSON key such as <c>rank1</c> or <c>chance</c>).</exception>
    /// <param name="training">The objective's training run (per-step losses for the curves), or null.</param>
    public ReversalCurseReport Add(string objective, ReversalCurseResult result, TrainingReport? training = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objective);
        ArgumentNullException.ThrowIfNull(result);
        foreach (SplitResult split in result.Splits)
            foreach (string decoder in split.Greedy.Keys.Concat(split.BicoNameSubstring.Keys).Concat(split.BicoBleu.Keys))
                if (ReversalCurseEvaluator.ReservedNames.Contains(decoder, StringComparer.Ordinal))
                    throw new ArgumentException($"Split '{split.Split}' has a decoder named '{decoder}', which is a reserved JSON key.", nameof(result));
        if (!_results.TryAdd(objective, result))
            throw new ArgumentException($"The objective '{objective}' is already in the report.", nameof(objective));
        _objectives.Add(objective);
        if (training is not null) _training[objective] = training;
        return this;
    }

    /// <summary>
    /// One Markdown table: a row per objective; per split a column <c>&lt;split&gt; greedy / rank@1 (chance c%)</c>
    /// with cells such as <c>32.0% / 90.0%</c>, followed by a column <c>&lt;split&gt; &lt;decoder&gt;</c> for every
    /// other decoder (e.g. <c>greedy_infill</c>) that some objective was scored with. Missing values show as
    /// <c>—</c>. When objectives disagree on a split's chance level, it is shown in each cell instead of the header.
    /// </summary>
    /// <returns>The table, ending with a newline.</returns>
    public string ToMarkdown()
    {
        string[] splits = SplitNames();
        var header = new List<string> { "objective" };
        var columns = new List<Func<ReversalCurseResult, string>>();
        foreach (string split in splits)
        {
            double[] chances = [.. AllResults(split).Select(r => r.Chance).Distinct()];
            bool sharedChance = chances.Length == 1;
            header.Add(sharedChance ? $"{split} greedy / rank@1 (chance {Percent(chances[0])})" : $"{split} greedy / rank@1");
            columns.Add(result => result.TryGetSplit(split, out var r)
                ? $"{Value(r.Greedy, MainDecoder)} / {Percent(r.Rank1)}{(sharedChance ? "" : $" (chance {Percent(r.Chance)})")}"
                : "—");
            foreach (string decoder in ExtraDecoders(split))
            {
                header.Add($"{split} {decoder}");
                columns.Add(result => result.TryGetSplit(split, out var r) ? Value(r.Greedy, decoder) : "—");
            }
        }

        var text = new StringBuilder();
        AppendRow(text, header);
        AppendRow(text, header.Select(_ => "---"));
        foreach (string objective in _objectives)
            AppendRow(text, [objective, .. columns.Select(column => column(_results[objective]))]);
        return text.ToString();
    }

    /// <summary>
    /// The named metrics, one row per (objective, split, decoder): Berglund starts-with, BICO name substring (name
    /// splits) or BICO BLEU (description splits), rank@1 by summed and by mean log-probability with chance, and the
    /// randomized test (true beats random, paired mean log-probability difference). Missing values show as <c>—</c>.
    /// </summary>
    /// <returns>The table, ending with a newline.</returns>
    public string ToMetricsMarkdown()
    {
        string[] header = ["objective", "split", "decoder", "Berglund starts-with", "BICO name in N / BLEU", "rank@1 sum / mean (chance)", "true > random (Δ log p)"];
        var text = new StringBuilder();
        AppendRow(text, header);
        AppendRow(text, header.Select(_ => "---"));
        foreach (string objective in _objectives)
        {
            ReversalCurseResult result = _results[objective];
            foreach (string split in SplitOrder.Sort(result.Splits.Select(s => s.Split)))
            {
                SplitResult r = result[split];
                string[] decoders = [.. r.Greedy.Keys.Concat(r.BicoNameSubstring.Keys).Concat(r.BicoBleu.Keys).Distinct(StringComparer.Ordinal)];
                if (decoders.Length == 0) decoders = ["—"];
                for (int d = 0; d < decoders.Length; d++)
                {
                    string decoder = decoders[d];
                    string bico = r.BicoNameSubstring.TryGetValue(decoder, out double name) ? Percent(name)
                        : r.BicoBleu.TryGetValue(decoder, out double bleu) ? "BLEU " + (bleu * 100).ToString("0.0", CultureInfo.InvariantCulture) : "—";
                    string rank = d > 0 || double.IsNaN(r.Rank1) ? "—"
                        : $"{Percent(r.Rank1)} / {(r.Rank1Mean is double mean ? Percent(mean) : "—")} ({Percent(r.Chance)})";
                    string randomized = d > 0 || r.Randomized is null ? "—"
                        : $"{Percent(r.Randomized.TrueBeatsRandom)} ({r.Randomized.MeanDifference.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture)})";
                    AppendRow(text, [objective, split, decoder, Value(r.Greedy, decoder), bico, rank, randomized]);
                }
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The results as JSON. <c>objectives</c> keeps the original layout, <c>{"&lt;name&gt;": {"&lt;split&gt;":
    /// {"greedy": f, "rank1": f, "chance": f, "&lt;other decoder&gt;": f, ...}}}</c> (fractions in 0..1; <c>greedy</c>
    /// and other decoders are Berglund starts-with accuracies and appear only when scored), and adds per split
    /// <c>count</c>, <c>candidates</c>, <c>rank1_sum</c> (= <c>rank1</c>), <c>rank1_mean</c>, <c>decoders</c>
    /// (<c>{"&lt;decoder&gt;": {"berglund_starts_with", "bico_name_substring" | "bico_bleu"}}</c>) and <c>randomized</c>
    /// (<c>pairs</c>, <c>true_beats_random</c>, <c>mean_log_prob_true</c>, <c>mean_log_prob_random</c>,
    /// <c>mean_log_prob_difference</c>). Top-level <c>training</c> holds each objective's per-step <c>losses</c> and
    /// <c>objectives</c> (the member that made each step), <c>settings</c> the run's settings, and
    /// <c>wall_time_seconds</c> the run's time, when known.
    /// </summary>
    /// <returns>Indented JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("objectives");
            foreach (string objective in _objectives)
            {
                json.WriteStartObject(objective);
                ReversalCurseResult result = _results[objective];
                foreach (string split in SplitOrder.Sort(result.Splits.Select(s => s.Split)))
                    WriteSplit(json, result[split]);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            if (_training.Count > 0)
            {
                json.WriteStartObject("training");
                foreach (string objective in _objectives.Where(_training.ContainsKey))
                    WriteTraining(json, objective, _training[objective]);
                json.WriteEndObject();
            }
            if (Settings.Count > 0)
            {
                json.WriteStartObject("settings");
                foreach (var (name, value) in Settings) json.WriteString(name, value);
                json.WriteEndObject();
            }
            if (WallTime is TimeSpan wall) json.WriteNumber("wall_time_seconds", Math.Round(wall.TotalSeconds, 3));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteSplit(Utf8JsonWriter json, SplitResult r)
    {
        json.WriteStartObject(r.Split);
        bool ranked = !double.IsNaN(r.Rank1);
        if (r.Greedy.TryGetValue(MainDecoder, out double greedy)) json.WriteNumber(MainDecoder, greedy);
        if (ranked) json.WriteNumber(ReversalCurseEvaluator.Rank1Stage, r.Rank1);
        json.WriteNumber("chance", r.Chance);
        foreach (var (decoder, accuracy) in r.Greedy)
            if (decoder != MainDecoder) json.WriteNumber(decoder, accuracy);
        json.WriteNumber("count", r.Count);
        json.WriteNumber("candidates", r.Candidates);
        if (ranked) json.WriteNumber("rank1_sum", r.Rank1);
        if (r.Rank1Mean is double mean) json.WriteNumber("rank1_mean", mean);
        string[] decoders = [.. r.Greedy.Keys.Concat(r.BicoNameSubstring.Keys).Concat(r.BicoBleu.Keys).Distinct(StringComparer.Ordinal)];
        if (decoders.Length > 0)
        {
            json.WriteStartObject("decoders");
            foreach (string decoder in decoders)
            {
                json.WriteStartObject(decoder);
                if (r.Greedy.TryGetValue(decoder, out double startsWith)) json.WriteNumber("berglund_starts_with", startsWith);
                if (r.BicoNameSubstring.TryGetValue(decoder, out double name)) json.WriteNumber("bico_name_substring", name);
                if (r.BicoBleu.TryGetValue(decoder, out double bleu)) json.WriteNumber("bico_bleu", bleu);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        if (r.Randomized is RandomizedComparison randomized)
        {
            json.WriteStartObject(ReversalCurseEvaluator.RandomizedStage);
            json.WriteNumber("pairs", randomized.Pairs);
            json.WriteNumber("true_beats_random", randomized.TrueBeatsRandom);
            json.WriteNumber("mean_log_prob_true", randomized.MeanTrueLogProbability);
            json.WriteNumber("mean_log_prob_random", randomized.MeanRandomLogProbability);
            json.WriteNumber("mean_log_prob_difference", randomized.MeanDifference);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteTraining(Utf8JsonWriter json, string objective, TrainingReport training)
    {
        json.WriteStartObject(objective);
        json.WriteNumber("steps", training.Steps);
        json.WriteNumber("epochs", training.EpochsCompleted);
        json.WriteNumber("tokens", training.Tokens);
        json.WriteNumber("elapsed_seconds", Math.Round(training.Elapsed.TotalSeconds, 3));
        json.WriteBoolean("stopped_early", training.StoppedEarly);
        json.WriteStartArray("losses");
        foreach (double loss in training.Losses)
        {
            if (double.IsFinite(loss)) json.WriteNumberValue(loss);
            else json.WriteNullValue();
        }
        json.WriteEndArray();
        json.WriteStartArray("objectives");
        foreach (string name in training.Objectives) json.WriteStringValue(name);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes <see cref="MarkdownFileName"/> (<see cref="ToMarkdown"/>, a blank line, <see cref="ToMetricsMarkdown"/>) and
    /// <see cref="JsonFileName"/> into <paramref name="directory"/> (created
    /// when missing), each replaced atomically (temporary file in the same folder, flushed, then renamed over the target).
    /// </summary>
    /// <param name="directory">The output folder.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or invalid.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public void WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFileName), ToMarkdown() + "\n" + ToMetricsMarkdown());
        AtomicFile.WriteAllText(Path.Combine(directory, JsonFileName), ToJson());
    }

    /// <summary>Every split any objective has, Berglund splits first.</summary>
    private string[] SplitNames() =>
        SplitOrder.Sort(_objectives.SelectMany(o => _results[o].Splits.Select(s => s.Split)));

    private IEnumerable<SplitResult> AllResults(string split)
    {
        foreach (string objective in _objectives)
            if (_results[objective].TryGetSplit(split, out var result)) yield return result;
    }

    /// <summary>Decoders other than <see cref="MainDecoder"/> used on <paramref name="split"/>, in first-seen order.</summary>
    private IEnumerable<string> ExtraDecoders(string split) =>
        AllResults(split).SelectMany(r => r.Greedy.Keys).Where(name => name != MainDecoder).Distinct(StringComparer.Ordinal);

    private static string Value(IReadOnlyDictionary<string, double> greedy, string decoder) =>
        greedy.TryGetValue(decoder, out double value) ? Percent(value) : "—";

    private static string Percent(double fraction) => double.IsNaN(fraction) ? "—" : (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static void AppendRow(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
}
