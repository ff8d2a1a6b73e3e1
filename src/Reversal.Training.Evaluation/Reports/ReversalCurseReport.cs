using Reversal.Training.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Training.Generation;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Training.Evaluation.Reports;

/// <summary>
/// Reversal-curse results of several objectives (e.g. <c>ntp</c>, <c>bico</c>, <c>abi</c>) side by side, as a
/// Markdown table and as JSON.
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
    /// <paramref name="result"/> is named <c>rank1</c> or <c>chance</c> (JSON keys).</exception>
    public ReversalCurseReport Add(string objective, ReversalCurseResult result)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objective);
        ArgumentNullException.ThrowIfNull(result);
        foreach (SplitResult split in result.Splits)
            foreach (string decoder in split.Greedy.Keys)
                if (decoder is ReversalCurseEvaluator.Rank1Stage or "chance")
                    throw new ArgumentException($"Split '{split.Split}' has a decoder named '{decoder}', which is a reserved JSON key.", nameof(result));
        if (!_results.TryAdd(objective, result))
            throw new ArgumentException($"The objective '{objective}' is already in the report.", nameof(objective));
        _objectives.Add(objective);
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
    /// The results as JSON: <c>{"objectives": {"&lt;name&gt;": {"&lt;split&gt;": {"greedy": f, "rank1": f,
    /// "chance": f, "&lt;other decoder&gt;": f}}}}</c> with fractions in 0..1; <c>greedy</c> and other decoders appear
    /// only when the objective was scored with them.
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
                {
                    SplitResult r = result[split];
                    json.WriteStartObject(split);
                    if (r.Greedy.TryGetValue(MainDecoder, out double greedy)) json.WriteNumber(MainDecoder, greedy);
                    json.WriteNumber(ReversalCurseEvaluator.Rank1Stage, r.Rank1);
                    json.WriteNumber("chance", r.Chance);
                    foreach (var (decoder, accuracy) in r.Greedy)
                        if (decoder != MainDecoder) json.WriteNumber(decoder, accuracy);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// Writes <see cref="MarkdownFileName"/> and <see cref="JsonFileName"/> into <paramref name="directory"/> (created
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
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFileName), ToMarkdown());
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

    private static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static void AppendRow(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
}
