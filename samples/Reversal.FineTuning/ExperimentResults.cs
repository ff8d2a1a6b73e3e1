using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.IO;

namespace Reversal.FineTuning;

/// <summary>
/// The experiment's outcome: one row per fine-tuning run (objective × mode) after the pre-trained model's own row, each
/// with greedy / rank@1 per split of the fine-tuning half, trainable parameters and training time; the pre-training's
/// time and the wall time. Written as <see cref="MarkdownFileName"/> and <see cref="JsonFileName"/>.
/// </summary>
internal sealed class ExperimentResults(FineTuningSettings settings, ExperimentData data, PretrainingRecord pretraining,
    IReadOnlyList<RunRecord> rows, string engine, TimeSpan wallTime)
{
    public const string MarkdownFileName = "results.md";
    public const string JsonFileName = "results.json";

    /// <summary>The decoder whose accuracy shares a cell with rank@1.</summary>
    private const string MainDecoder = "greedy";

    public IReadOnlyList<RunRecord> Rows => rows;

    /// <summary>The splits of the table, in the Berglund order.</summary>
    private IEnumerable<string> Splits => ReversalSplits.All.Where(s => rows.Any(r => r.Splits.Any(x => x.Split == s)));

    /// <summary>Pre-training, every run's training and evaluation, in seconds (what the results cost, across interrupted commands too).</summary>
    public double ComputeSeconds => pretraining.TrainSeconds + rows.Sum(r => r.TrainSeconds + r.EvaluateSeconds);

    /// <summary>The column headers: the row label, per split greedy / rank@1 with its chance, trainable parameters, training time.</summary>
    public IReadOnlyList<string> Header() =>
    [
        "model", .. Splits.Select(s => $"{s} greedy / rank@1 (chance {Chance(s)})"), "trainable / total parameters", "training time",
    ];

    /// <summary>The cells of <paramref name="row"/>, in <see cref="Header"/> order; other decoders (infill) follow greedy / rank@1 in brackets.</summary>
    public IReadOnlyList<string> Cells(RunRecord row)
    {
        var cells = new List<string> { row.Label };
        foreach (string split in Splits)
        {
            var s = row.Splits.FirstOrDefault(x => x.Split == split);
            if (s is null) { cells.Add("—"); continue; }
            string cell = $"{Percent(s.Greedy.GetValueOrDefault(MainDecoder, double.NaN))} / {Percent(s.Rank1)}";
            var others = s.Greedy.Where(g => g.Key != MainDecoder).Select(g => $"{g.Key} {Percent(g.Value)}").ToArray();
            cells.Add(others.Length == 0 ? cell : $"{cell} ({string.Join(", ", others)})");
        }
        cells.Add(row.Mode is null ? $"— / {Count(row.TotalParameters)}"
            : $"{Count(row.TrainableParameters)} / {Count(row.TotalParameters)} ({Percent((double)row.TrainableParameters / row.TotalParameters)})");
        cells.Add(row.Mode is null ? "—" : Seconds(row.TrainSeconds));
        return cells;
    }

    /// <summary>The lines under the table: what the rows are, the pre-training and the times.</summary>
    public IEnumerable<string> Notes()
    {
        yield return $"Rows: the pre-trained model as it is, then each objective × mode fine-tuned on the fine-tuning half; every row is evaluated on the fine-tuning half's test splits " +
                     $"({(settings.EvaluateMax is int max ? $"first {max} rows of each" : "every row")}). Greedy = Berglund starts-with; rank@1 among the split's distinct completions; chance = 1 / completions.";
        yield return $"Pre-training: NTP, {pretraining.Settings.Epochs} epochs over {pretraining.TrainingRows:N0} rows of the pre-training half, final loss {pretraining.FinalLoss:F3}, {Seconds(pretraining.TrainSeconds)} ({pretraining.TokensPerSecond:N0} tok/s).";
        yield return $"Compute time of pre-training and every run (training and evaluation): {Seconds(ComputeSeconds)}; wall time of this command: {Seconds(wallTime.TotalSeconds)}.";
    }

    /// <summary>The run's settings as name → value.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings()
    {
        static KeyValuePair<string, string> S(string name, FormattableString value) => new(name, value.ToString(CultureInfo.InvariantCulture));
        var config = data.Config;
        yield return S("data", $"{data.Description}");
        foreach (var half in data.Summary()) yield return half;
        yield return S("engine", $"{engine}");
        yield return S("model", $"{settings.Preset}: d{config.HiddenSize}, {config.NumHiddenLayers} layers, {config.NumAttentionHeads} heads, ffn {config.IntermediateSize}, context {config.MaxPositionEmbeddings}, vocabulary {config.VocabSize} (fitted on every person's training rows)");
        yield return S("pre-training", $"NTP, {settings.PretrainEpochs} epochs, AdamW lr {settings.PretrainLearningRate} (weight decay 0.01), 100 warm-up steps, cosine decay, clip 1.0");
        yield return S("LoRA fine-tuning", $"r {settings.LoraRank}, alpha {settings.LoraAlpha}, dropout {settings.LoraDropout}, all seven projections{(settings.LoraTrainEmbeddings ? ", embeddings and head trained in full" : "")}; {settings.LoraEpochs} epochs, AdamW lr {settings.LoraLearningRate}");
        yield return S("full fine-tuning", $"every parameter; {settings.FullEpochs} epochs, AdamW lr {settings.FullLearningRate}");
        yield return S("fine-tuning schedule", $"weight decay 0.01, warm-up over a tenth of the steps (at most 100), cosine decay, clip 1.0");
        yield return S("batch size", $"{settings.BatchSize}");
        yield return S("seed", $"{settings.Seed}");
        yield return S("threads", $"{settings.Threads}");
    }

    /// <summary>A Markdown page: the settings, the table and the notes.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder("# Pretrain, then fine-tune\n\n");
        foreach (var (name, value) in Settings()) text.Append("- ").Append(name).Append(": ").Append(value).Append('\n');
        text.Append('\n');
        AppendRow(text, Header());
        AppendRow(text, Header().Select(_ => "---"));
        foreach (var row in rows) AppendRow(text, Cells(row));
        text.Append('\n');
        foreach (string note in Notes()) text.Append(note).Append("\n\n");
        return text.ToString();
    }

    /// <summary>
    /// The results as JSON: <c>settings</c>, <c>pretraining</c>, and <c>rows</c>, each with <c>name</c>, <c>run</c>,
    /// <c>objective</c>, <c>mode</c> (<c>lora</c>, <c>full</c>, or null for the pre-trained model), parameters, times and
    /// <c>splits</c>: <c>{"&lt;split&gt;": {"greedy", "rank1", "chance", "count", "candidates", "decoders": {"&lt;decoder&gt;": accuracy}}}</c>
    /// (fractions in 0..1); then <c>compute_seconds</c> and <c>wall_time_seconds</c>.
    /// </summary>
    public string ToJson()
    {
        var document = new
        {
            settings = Settings().ToDictionary(s => s.Key, s => s.Value),
            pretraining = new
            {
                epochs = pretraining.Settings.Epochs, training_rows = pretraining.TrainingRows, final_loss = pretraining.FinalLoss,
                train_seconds = pretraining.TrainSeconds, tokens_per_second = pretraining.TokensPerSecond, total_parameters = pretraining.TotalParameters,
            },
            rows = rows.Select(r => new
            {
                name = r.Label, run = r.Run, objective = r.Objective, mode = r.Mode?.Key(),
                trainable_parameters = r.TrainableParameters, total_parameters = r.TotalParameters,
                final_loss = r.FinalLoss, train_seconds = r.TrainSeconds, evaluate_seconds = r.EvaluateSeconds,
                splits = r.Splits.ToDictionary(s => s.Split, s => new
                {
                    greedy = s.Greedy.TryGetValue(MainDecoder, out double greedy) ? greedy : (double?)null,
                    rank1 = s.Rank1, chance = s.Chance, count = s.Count, candidates = s.Candidates, decoders = s.Greedy,
                }),
            }),
            compute_seconds = Math.Round(ComputeSeconds, 3),
            wall_time_seconds = Math.Round(wallTime.TotalSeconds, 3),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Writes <see cref="MarkdownFileName"/> and <see cref="JsonFileName"/> into <paramref name="directory"/>, each atomically.</summary>
    public void WriteTo(string directory)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFileName), ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(directory, JsonFileName), ToJson());
    }

    /// <summary>The split's chance level, or each row's when they differ.</summary>
    private string Chance(string split)
    {
        var chances = rows.SelectMany(r => r.Splits).Where(s => s.Split == split).Select(s => s.Chance).Distinct().ToArray();
        return string.Join(" / ", chances.Select(Percent));
    }

    private static string Percent(double fraction) => double.IsNaN(fraction) ? "—" : (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A parameter count in a few digits: 27,136, 342.5k, 1.15M (exact counts are in the JSON).</summary>
    private static string Count(long n) => n switch
    {
        < 100_000 => n.ToString("N0", CultureInfo.InvariantCulture),
        < 1_000_000 => (n / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => (n / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M",
    };

    private static string Seconds(double seconds) => seconds < 120
        ? seconds.ToString("0", CultureInfo.InvariantCulture) + " s"
        : (seconds / 60).ToString("0.0", CultureInfo.InvariantCulture) + " min";

    private static void AppendRow(StringBuilder text, IEnumerable<string> cells) =>
        text.Append("| ").AppendJoin(" | ", cells.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
}
