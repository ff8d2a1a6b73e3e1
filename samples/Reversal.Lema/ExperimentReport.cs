using System.Globalization;
using System.Text;
using System.Text.Json;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.IO;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Reversal.Lema;

/// <summary>The experiment's outcome: the table of (i)-(v), the data counts, and the plain verdict.</summary>
internal sealed record ExperimentReport(
    LemaSettings Settings,
    ArithmeticTask Task,
    double BaseAccuracy,
    double ReasonerAccuracy,
    LemaStatistics Mistakes,
    EvolutionResult CentricEvolution,
    EvolutionResult RandomEvolution,
    LemaStatistics CentricMistakes,
    LemaStatistics RandomMistakes,
    IReadOnlyList<ConditionResult> Conditions,
    TimeSpan Elapsed)
{
    private ConditionResult this[string key] => Conditions.Single(c => c.Key == key);

    public IRenderable Table()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("condition").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("tokens").RightAligned())
            .AddColumn(new TableColumn("target tokens").RightAligned()).AddColumn(new TableColumn($"pass@1, {Settings.Seeds} seeds").RightAligned());
        foreach (var c in Conditions)
            table.AddRow(Markup.Escape($"({c.Key}) {c.Name}"), c.Rows.ToString("N0", CultureInfo.InvariantCulture),
                c.Tokens.ToString("N0", CultureInfo.InvariantCulture), c.TargetTokens.ToString("N0", CultureInfo.InvariantCulture), Cell(c));
        return table;
    }

    /// <summary>Whether LEMA beat CoT at equal tokens, by how much, and how the evolutions compare, in plain words.</summary>
    public string Verdict()
    {
        var equal = this["ii"];
        var lema = this["iii"];
        double gain = (lema.Mean - equal.Mean) * 100;
        double noise = Math.Max(lema.StandardDeviation, equal.StandardDeviation) * 100;
        string outcome = gain > 0
            ? $"LEMA (iii) beat CoT augmented to the same tokens (ii) by {gain:F1} points ({Points(lema)} vs {Points(equal)})"
            : $"LEMA (iii) did not beat CoT augmented to the same tokens (ii): {gain:F1} points ({Points(lema)} vs {Points(equal)})";
        string significance = Math.Abs(gain) > 2 * noise ? "more than twice the larger seed spread" : "within twice the larger seed spread, so not a clear difference";
        double evolution = (this["iv"].Mean - this["v"].Mean) * 100;
        return string.Create(CultureInfo.InvariantCulture,
            $"{outcome}; the difference is {significance}. Against CoT only (i): {(lema.Mean - this["i"].Mean) * 100:+0.0;-0.0} points. "
            + $"Correction-centric evolution (iv) vs random evolution (v): {evolution:+0.0;-0.0} points.");
    }

    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "results.md"), Markdown());
        AtomicFile.WriteAllText(Path.Combine(directory, "results.json"), Json());
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# LEMA on the built-in arithmetic task").AppendLine();
        md.Append(Invariant($"Task: {Task.Train.Count} training / {Task.Test.Count} held-out test problems, {Settings.MinSteps}-{Settings.MaxSteps} operations (+ - * /), start values up to {Settings.MaxStart}, addends up to {Settings.MaxOperand}, factors up to {Settings.MaxFactor}, values up to {Settings.MaxValue}, task seed {Settings.TaskSeed}. "));
        md.Append(Invariant($"Base checkpoint: a Tiny Llama pre-trained for {Settings.PretrainEpochs} epochs (lr {Settings.PretrainLearningRate}) on {Settings.Pretrain} other problems of the task (test pass@1 {Pct(BaseAccuracy)}). Reasoner = base + {Settings.ReasonerEpochs} epochs of CoT on the training split (test pass@1 {Pct(ReasonerAccuracy)}), {Settings.Paths} paths per training question at temperature {Settings.Temperature}. "));
        md.AppendLine(Invariant($"Every condition: base checkpoint + {Settings.Epochs} epochs, loss on the output only, batch {Settings.BatchSize}, AdamW lr {Settings.LearningRate}, greedy pass@1 on the test split, seeds 1-{Settings.Seeds} (data order). Total time {Elapsed.TotalMinutes:F1} min on {Settings.Threads} threads."));
        md.AppendLine();
        md.AppendLine("| condition | rows | tokens | target tokens | pass@1 (mean ± sd) | per seed |");
        md.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var c in Conditions)
            md.AppendLine(Invariant($"| ({c.Key}) {c.Name} | {c.Rows:N0} | {c.Tokens:N0} | {c.TargetTokens:N0} | {Cell(c)} | {string.Join(", ", c.Accuracies.Select(Pct))} |"));
        md.AppendLine();
        md.AppendLine(Verdict()).AppendLine();
        md.AppendLine("| data | count |").AppendLine("|---|---:|");
        md.AppendLine(Invariant($"| paths sampled on training questions | {Mistakes.SampledPaths:N0} |"));
        md.AppendLine(Invariant($"| mistakes collected (distinct wrong-answer paths) | {Mistakes.WrongPaths:N0} |"));
        md.AppendLine(Invariant($"| corrections kept after verification | {Mistakes.CorrectionsKept:N0} ({Pct(Mistakes.KeptShare)}) |"));
        md.AppendLine(Invariant($"| right-answer paths (CoT augmentation pool) | {Mistakes.RightPaths:N0} |"));
        md.AppendLine(Invariant($"| reasoner replies dropped (no answer, empty, too long) | {Mistakes.ReasonerDropped:N0} |"));
        md.AppendLine(Invariant($"| distinct seed questions evolved, correction-centric / random | {CentricEvolution.SeedsUsed:N0} / {RandomEvolution.SeedsUsed:N0} |"));
        md.AppendLine(Invariant($"| evolved questions, correction-centric / random | {CentricEvolution.Problems.Count:N0} / {RandomEvolution.Problems.Count:N0} |"));
        md.AppendLine(Invariant($"| mistakes on them, correction-centric / random | {CentricMistakes.WrongPaths:N0} / {RandomMistakes.WrongPaths:N0} |"));
        md.AppendLine(Invariant($"| corrections kept on them, correction-centric / random | {CentricMistakes.CorrectionsKept:N0} / {RandomMistakes.CorrectionsKept:N0} |"));
        return md.ToString();
    }

    public string Json()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("settings");
            foreach (var property in typeof(LemaSettings).GetProperties())
            {
                w.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(property.Name));
                JsonSerializer.Serialize(w, property.GetValue(Settings), property.PropertyType);
            }
            w.WriteEndObject();
            w.WriteNumber("baseTestAccuracy", BaseAccuracy);
            w.WriteNumber("reasonerTestAccuracy", ReasonerAccuracy);
            Statistics(w, "mistakes", Mistakes);
            Evolution(w, "correctionCentricEvolution", CentricEvolution, CentricMistakes);
            Evolution(w, "randomEvolution", RandomEvolution, RandomMistakes);
            w.WriteStartArray("conditions");
            foreach (var c in Conditions)
            {
                w.WriteStartObject();
                w.WriteString("key", c.Key);
                w.WriteString("name", c.Name);
                w.WriteNumber("rows", c.Rows);
                w.WriteNumber("tokens", c.Tokens);
                w.WriteNumber("targetTokens", c.TargetTokens);
                w.WriteNumber("mean", c.Mean);
                w.WriteNumber("standardDeviation", c.StandardDeviation);
                w.WriteStartArray("accuracies");
                foreach (double a in c.Accuracies) w.WriteNumberValue(a);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("verdict", Verdict());
            w.WriteNumber("elapsedSeconds", Math.Round(Elapsed.TotalSeconds, 1));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Statistics(Utf8JsonWriter w, string name, LemaStatistics s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("problems", s.Problems);
        w.WriteNumber("sampledPaths", s.SampledPaths);
        w.WriteNumber("duplicatePaths", s.DuplicatePaths);
        w.WriteNumber("rightPaths", s.RightPaths);
        w.WriteNumber("wrongPaths", s.WrongPaths);
        w.WriteNumber("correctionsKept", s.CorrectionsKept);
        w.WriteNumber("keptShare", s.KeptShare);
        w.WriteNumber("reasonerDropped", s.ReasonerDropped);
        w.WriteNumber("correctorDropped", s.CorrectorDropped);
        w.WriteEndObject();
    }

    private static void Evolution(Utf8JsonWriter w, string name, EvolutionResult e, LemaStatistics s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("evolvedQuestions", e.Problems.Count);
        w.WriteNumber("seedsUsed", e.SeedsUsed);
        w.WriteNumber("failed", e.Failed);
        w.WriteNumber("rejected", e.Rejected);
        w.WriteEndObject();
        Statistics(w, name + "Mistakes", s);
    }

    private static string Cell(ConditionResult c) => Invariant($"{c.Mean * 100:F1}% ± {c.StandardDeviation * 100:F1}");

    private static string Points(ConditionResult c) => Invariant($"{c.Mean * 100:F1}% ± {c.StandardDeviation * 100:F1}");

    private static string Pct(double fraction) => LemaExperiment.Percent(fraction);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
