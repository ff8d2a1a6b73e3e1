using Reversal.Samples.Common;
using Reversal.Samples.ReversalCurse;
using System.Diagnostics;
using Reversal.Demo.Comparison;
using Reversal.Training;
using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.Checkpoints;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Reports;
using Reversal.Training.Serialization;
using Spectre.Console;

namespace Reversal.Demo;

/// <summary>
/// The main job: for every seed, data (generated or Berglund), a word tokenizer fitted on the training text, one
/// from-scratch model per objective trained the same way on the chosen engine, evaluation of every reversal split and
/// one results table with its report page; over several seeds, a comparison with mean ± spread and the reversed ÷
/// forward ratios. With <c>--evaluate DIR</c> it evaluates the models a previous run saved instead.
/// </summary>
internal sealed class ReversalCurseDemo(DemoSettings settings, IAnsiConsole console)
{
    private const string TokenizerFileName = "tokenizer.json";
    private const string ModelsFolder = "models";
    private const string CheckpointsFolder = "checkpoints";

    public int Run(CancellationToken cancellationToken) =>
        settings.EvaluateDirectory is string saved ? EvaluateSaved(saved, cancellationToken) : TrainAndEvaluate(cancellationToken);

    private int TrainAndEvaluate(CancellationToken cancellationToken)
    {
        var factory = new ModelFactory(settings.Backend, settings.Device, settings.Threads);
        var clock = Stopwatch.StartNew();
        var runs = new List<RunRecord>();
        var runSettings = new RunSettings(
            settings.DataDirectory is string d ? Path.GetFullPath(d) : $"generated:{settings.People}x{settings.Templates}",
            settings.Preset, settings.Epochs, settings.BatchSize, settings.LearningRate, settings.Backend, settings.EvaluateMax);
        foreach (int seed in settings.Seeds)
        {
            var seedClock = Stopwatch.StartNew();
            string? folder = SeedFolder(seed);
            var dataset = LoadData(seed, folder);
            // The tokenizer sees the training text only: test prompts may hold words it never saw (encoded as <unk>).
            var texts = dataset.Train.Select(r => r.Prompt + " " + r.Completion);
            var tokenizer = WordTokenizer.Fit(texts, new WordTokenizerOptions { AdditionalSpecialTokens = ObjectiveCatalog.SpecialTokenTexts });
            if (folder is not null) tokenizer.Save(Path.Combine(folder, TokenizerFileName));
            var entities = LoadEntities(dataset);
            var examples = entities is null
                ? PromptCompletionEncoder.EncodeAll(tokenizer, dataset.Train)
                : PromptCompletionEncoder.EncodeAll(tokenizer, dataset.Train, entities);
            int longest = examples.Max(e => e.Length);
            var config = ModelPresets.Config(settings.Preset, tokenizer.VocabSize, longest);
            var context = CatalogContext.For(tokenizer);
            console.MarkupLine($"[grey]seed {seed}: {dataset.Train.Count:N0} training rows, vocabulary {tokenizer.VocabSize:N0}, longest example {longest} tokens; " +
                               $"{settings.Preset} model ({config.HiddenSize}d, {config.NumHiddenLayers} layers), {settings.Epochs} epochs, batch {settings.BatchSize}, {settings.Threads} threads, {Markup.Escape(factory.Describe())}[/]");
            if (entities is not null) DescribeEntities(examples);
            foreach (string name in settings.Objectives)
            {
                if (ObjectiveCatalog.Find(name).NeedsEntities && entities is null)
                    throw new InvalidOperationException($"'{name}' keeps entities in order but the data's entities are unknown: pass --entities DIR (a folder with names.txt and descriptions.txt).");
            }

            var report = new ReversalCurseReport();
            // One live bar per objective: training fills 90% of it, evaluation the rest.
            WithProgressBars(tasks =>
            {
                foreach (string name in settings.Objectives)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var task = tasks[name];
                    task.StartTask();
                    var entry = ObjectiveCatalog.Find(name);
                    var record = folder is null ? null : RunRecord.TryLoad(folder, name, seed, runSettings);
                    TrainingReport? training = null;
                    if (record is not null)
                    {
                        Done(task, $"{name,-4} reused {RunStore.PathOf(folder!, name)}");
                    }
                    else
                    {
                        var model = factory.Create(config, seed);
                        using var owned = model as IDisposable;
                        training = Train(name, seed, folder, task, model, entry.Create(context), tokenizer.SpecialTokens, examples, cancellationToken);
                        if (folder is not null) HuggingFaceCheckpoint.Save(Path.Combine(folder, ModelsFolder, name), model.Config, model.ExportWeights());
                        var result = Evaluate(name, task, 90, model, tokenizer, dataset, entry.Decoders(context), cancellationToken);
                        record = new RunRecord
                        {
                            Objective = name, Seed = seed, Settings = runSettings, FinalLoss = training.FinalLoss,
                            TrainSeconds = training.Elapsed.TotalSeconds, TokensPerSecond = training.TokensPerSecond, Splits = SplitRecord.ListOf(result),
                        };
                        if (folder is not null) RunStore.Save(folder, name, record);
                        Done(task, $"{name,-4} done: final loss {training.FinalLoss:F3}, {training.TokensPerSecond:N0} tok/s, trained in {training.Elapsed.TotalSeconds:F0} s");
                    }
                    report.Add(name, record.ToResult(), training);
                    runs.Add(record);
                }
            });
            report.WallTime = seedClock.Elapsed;
            foreach (var setting in Settings(factory, config, tokenizer.VocabSize, dataset.Train.Count, seed)) report.Settings.Add(setting);
            Show(report, folder);
        }
        if (settings.Seeds.Count > 1)
        {
            var comparison = new SeedComparison(runs);
            console.WriteLine();
            console.Write(ComparisonTable.Render(comparison));
            if (settings.OutputDirectory is string output)
            {
                comparison.WriteTo(output);
                console.MarkupLine($"Wrote [blue]{Markup.Escape(Path.Combine(output, SeedComparison.MarkdownFileName))}[/] and [blue]{Markup.Escape(Path.Combine(output, SeedComparison.JsonFileName))}[/].");
            }
        }
        console.MarkupLine($"[grey]{Markup.Escape(settings.Backend)} backend, total time {clock.Elapsed.TotalMinutes:F1} min.[/]");
        return 0;
    }

    /// <summary>Loads the tokenizer and every saved model of a previous <c>--out</c> folder (one seed's) and evaluates them on this run's engine.</summary>
    private int EvaluateSaved(string saved, CancellationToken cancellationToken)
    {
        var factory = new ModelFactory(settings.Backend, settings.Device, settings.Threads);
        var clock = Stopwatch.StartNew();
        var tokenizer = WordTokenizer.Load(Path.Combine(saved, TokenizerFileName));
        var dataset = settings.DataDirectory is string data ? ReversalCurseDataset.Load(data) : ReversalCurseDataset.Load(Path.Combine(saved, "data"));
        var context = CatalogContext.For(tokenizer);
        console.MarkupLine($"Evaluating the models saved in [blue]{Markup.Escape(saved)}[/] on the {Markup.Escape(factory.Describe())}");
        var report = new ReversalCurseReport();
        WithProgressBars(tasks =>
        {
            foreach (string name in settings.Objectives)
            {
                string folder = Path.Combine(saved, ModelsFolder, name);
                if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--evaluate: '{folder}' does not exist; the run saved no '{name}' model.");
                var task = tasks[name];
                task.StartTask();
                var model = factory.Load(folder);
                using var owned = model as IDisposable;
                report.Add(name, Evaluate(name, task, 0, model, tokenizer, dataset, ObjectiveCatalog.Find(name).Decoders(context), cancellationToken));
                Done(task, $"{name,-4} evaluated");
            }
        });
        report.WallTime = clock.Elapsed;
        report.Settings.Add(new("evaluated models", saved));
        report.Settings.Add(new("engine", factory.Describe()));
        Show(report, settings.OutputDirectory);
        return 0;
    }

    /// <summary>Runs <paramref name="work"/> under one live progress display with a bar per objective.</summary>
    private void WithProgressBars(Action<IReadOnlyDictionary<string, ProgressTask>> work) =>
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx => work(settings.Objectives.ToDictionary(name => name, name => ctx.AddTask($"{name,-4} waiting", autoStart: false, maxValue: 100))));

    private static void Done(ProgressTask task, string description)
    {
        task.Value = task.MaxValue;
        task.Description = Markup.Escape(description);
        task.StopTask();
    }

    /// <summary>Prints one report's tables and, with a folder, writes results.md, results.json and report.html there.</summary>
    private void Show(ReversalCurseReport report, string? folder)
    {
        console.WriteLine();
        console.Write(ResultsTable.Render(report));
        console.Write(ResultsTable.RenderMetrics(report));
        console.MarkupLine("[grey]Chance is rank@1 of a uniform guess over the split's distinct completions.[/]");
        if (folder is null) return;
        report.WriteTo(folder);
        string page = ReversalCurseHtmlReport.WriteTo(report, folder);
        console.MarkupLine($"Wrote [blue]{Markup.Escape(Path.Combine(folder, ReversalCurseReport.MarkdownFileName))}[/] and [blue]{Markup.Escape(Path.Combine(folder, ReversalCurseReport.JsonFileName))}[/].");
        console.MarkupLine($"Report: [blue link]{Markup.Escape(Path.GetFullPath(page))}[/]");
    }

    /// <summary>The run's settings as the report shows them.</summary>
    private IEnumerable<KeyValuePair<string, string>> Settings(ModelFactory factory, LlamaConfig config, int vocab, int trainingRows, int seed)
    {
        static KeyValuePair<string, string> S(string name, object value) => new(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var evaluation = EvaluatorOptions();
        yield return S("data", settings.DataDirectory ?? $"generated: {settings.People} people per subset, {settings.Templates} training templates each, seed {seed}");
        yield return S("training rows", trainingRows);
        yield return S("objectives", string.Join(", ", settings.Objectives));
        yield return S("engine", factory.Describe());
        yield return S("model", $"{settings.Preset}: d{config.HiddenSize}, {config.NumHiddenLayers} layers, {config.NumAttentionHeads} heads, ffn {config.IntermediateSize}, context {config.MaxPositionEmbeddings}, vocabulary {vocab}");
        yield return S("epochs", settings.Epochs);
        yield return S("batch size", settings.BatchSize);
        yield return S("optimizer", $"AdamW lr {settings.LearningRate} (weight decay 0.01), 100 warm-up steps, cosine decay, clip 1.0");
        yield return S("seed", seed);
        yield return S("threads", settings.Threads);
        yield return S("evaluation", $"{(settings.EvaluateMax is int max ? $"first {max} rows" : "all rows")} of each split, {evaluation.DecodingBatchSize} prompts per decoding batch");
        yield return S("BICO metrics", $"{evaluation.BicoNewTokens} generated tokens; BLEU-4 over {evaluation.BleuUnit.ToString().ToLowerInvariant()}, smoothing {evaluation.BleuSmoothing}");
        yield return S("Berglund starts-with", evaluation.DescriptionWords is int words ? $"first {words} words of descriptions" : "full target");
    }

    private ReversalCurseEvaluatorOptions EvaluatorOptions() =>
        new() { MaxPerSplit = settings.EvaluateMax, DecodingBatchSize = settings.DecodingBatchSize };

    /// <summary>Where one seed's files go: the output folder itself for a single seed, <c>seed-N/</c> inside it for several.</summary>
    private string? SeedFolder(int seed) => settings.OutputDirectory is not string output ? null
        : settings.Seeds.Count == 1 ? output : Path.Combine(output, $"seed-{seed}");

    private ReversalCurseDataset LoadData(int seed, string? folder)
    {
        if (settings.DataDirectory is string directory)
        {
            console.MarkupLine($"Data: Berglund layout from [blue]{Markup.Escape(directory)}[/]");
            return ReversalCurseDataset.Load(directory);
        }
        var generated = new FictitiousPeopleGenerator(new FictitiousPeopleOptions
        {
            Seed = seed, PeoplePerSubset = settings.People, TrainTemplatesPerPerson = settings.Templates,
        }).Generate();
        console.MarkupLine($"Data: generated {generated.People.Count} fictitious people ({settings.People} per subset p2d / d2p / both), {settings.Templates} training templates each, seed {seed}");
        if (folder is not null) generated.WriteTo(Path.Combine(folder, "data"));
        return generated;
    }

    /// <summary>The data's names and descriptions: the generator's people, or the Berglund lists (null when unavailable).</summary>
    private EntityLexicon? LoadEntities(ReversalCurseDataset dataset)
    {
        if (dataset is GeneratedReversalCurseDataset generated) return ReversalCurseEntities.Of(generated.People);
        string? folder = settings.EntitiesDirectory ?? (settings.DataDirectory is string data ? ReversalCurseEntities.BerglundTemplatesBeside(data) : null);
        if (folder is null) return null;
        console.MarkupLine($"Entities: names and descriptions from [blue]{Markup.Escape(folder)}[/]");
        return ReversalCurseEntities.LoadBerglund(folder);
    }

    private void DescribeEntities(TokenSequence[] examples)
    {
        int two = examples.Count(e => e.EntitySpans.Count >= 2), one = examples.Count(e => e.EntitySpans.Count == 1);
        console.MarkupLine($"[grey]entity spans: {two:N0} training rows with two or more (name and description), {one:N0} with one, {examples.Length - two - one:N0} with none[/]");
    }

    /// <summary>
    /// Trains one objective; with <c>--out</c> and <c>--checkpoint-every N</c> it checkpoints to
    /// <c>checkpoints/&lt;objective&gt;</c> every N steps (and when stopped) and resumes from the newest checkpoint there.
    /// </summary>
    private TrainingReport Train(string name, int seed, string? folder, ProgressTask task, ITrainableLanguageModel model, ITrainingObjective objective, SpecialTokenIds special,
        TokenSequence[] examples, CancellationToken cancellationToken)
    {
        task.Description = $"{name,-4} training";
        var progress = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.TotalSteps > 0) task.Value = 90.0 * p.Step / p.TotalSteps;
            task.Description = $"{name,-4} seed {seed} epoch {p.Epoch,2} loss {p.Loss,6:F3} {p.TokensPerSecond,6:N0} tok/s";
        });
        var builder = Trainer.For(model)
            .WithObjective(objective)
            .WithOptimizer(o => o.AdamW(lr: settings.LearningRate, weightDecay: 0.01).ClipGradNorm(1.0))
            .WithSchedule(s => s.WarmupCosine(warmupSteps: 100))
            .WithSpecialTokens(special)
            .WithSeed(seed)
            .WithProgress(progress);
        if (folder is not null && settings.CheckpointEvery is int every)
        {
            string checkpoints = Path.Combine(folder, CheckpointsFolder, name);
            builder.WithCheckpointing(checkpoints, every, keepLast: 2);
            if (TrainingCheckpoint.FindLatest(checkpoints) is string latest) builder.ResumeFrom(latest);
        }
        using var trainer = builder.Build();
        return trainer.Fit(examples, settings.Epochs, settings.BatchSize, cancellationToken);
    }

    /// <summary>Evaluates <paramref name="model"/>, moving <paramref name="task"/> from <paramref name="start"/>% to 100%.</summary>
    private ReversalCurseResult Evaluate(string name, ProgressTask task, double start, ICausalLanguageModel model, ITokenizer tokenizer,
        ReversalCurseDataset dataset, IReadOnlyList<ICompletionDecoder> decoders, CancellationToken cancellationToken)
    {
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, EvaluatorOptions());
        var progress = new InlineProgress<EvaluationProgress>(p =>
        {
            task.Description = $"{name,-4} eval {p.Split,-11} {p.Stage,-13}";
            task.Value = start + (100 - start) * (p.SplitIndex + p.Fraction) / p.SplitCount;
        });
        return evaluator.Evaluate(dataset, decoders, progress, cancellationToken);
    }
}

