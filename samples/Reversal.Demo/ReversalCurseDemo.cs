using System.Diagnostics;
using Reversal.Demo.Comparison;
using Reversal.Training;
using Reversal.Training.Data.Entities;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Reversal.Demo;

/// <summary>
/// The main job: for every seed, data (generated or Berglund), a word tokenizer fitted on the training text, one
/// from-scratch model per objective trained the same way on the chosen engine, evaluation of every reversal split and
/// one results table; over the seeds, a comparison with mean ± spread and the reversed ÷ forward ratios. With
/// <c>--evaluate DIR</c> it evaluates the models a previous run saved instead.
/// </summary>
internal sealed class ReversalCurseDemo(DemoSettings settings, IAnsiConsole console)
{
    private const string TokenizerFileName = "tokenizer.json";
    private const string ModelsFolder = "models";

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
            string? folder = SeedFolder(seed);
            var dataset = LoadData(seed, folder);
            // The tokenizer sees the training text only: test prompts may hold words it never saw (encoded as <unk>).
            var texts = dataset.Train.Select(r => r.Prompt + " " + r.Completion);
            var tokenizer = WordTokenizer.Fit(texts, new WordTokenizerOptions
            {
                AdditionalSpecialTokens = [.. BlankInfillingTokens.TokenTexts, RandomSegmentReversal.SeparatorTokenText],
            });
            if (folder is not null) tokenizer.Save(Path.Combine(folder, TokenizerFileName));
            var entities = LoadEntities(dataset);
            var examples = entities is null
                ? PromptCompletionEncoder.EncodeAll(tokenizer, dataset.Train)
                : PromptCompletionEncoder.EncodeAll(tokenizer, dataset.Train, entities);
            int longest = examples.Max(e => e.Length);
            var config = CreateConfig(tokenizer.VocabSize, ContextFor(longest));
            var context = CreateContext(tokenizer);
            console.MarkupLine($"[grey]seed {seed}: {dataset.Train.Count:N0} training rows, vocabulary {tokenizer.VocabSize:N0}, longest example {longest} tokens; " +
                               $"{settings.Preset} model ({config.HiddenSize}d, {config.NumHiddenLayers} layers), {settings.Epochs} epochs, batch {settings.BatchSize}, {settings.Threads} threads, {Markup.Escape(factory.Describe())}[/]");
            if (entities is not null) DescribeEntities(examples);

            var report = new ReversalCurseReport();
            foreach (string name in settings.Objectives)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = ObjectiveCatalog.Find(name);
                if (entry.NeedsEntities && entities is null)
                    throw new InvalidOperationException($"'{name}' keeps entities in order but the data's entities are unknown: pass --entities DIR (a folder with names.txt and descriptions.txt).");
                var record = folder is null ? null : RunStore.TryLoad(folder, name, seed, runSettings);
                if (record is not null)
                {
                    console.MarkupLine($"[grey]{name}, seed {seed}: reusing {Markup.Escape(RunStore.PathOf(folder!, name))}[/]");
                }
                else
                {
                    var model = factory.Create(config, seed);
                    using var owned = model as IDisposable;
                    var training = Train(name, seed, model, entry.Create(context), tokenizer.SpecialTokens, examples, cancellationToken);
                    if (training.Cancelled) return 130;
                    if (folder is not null) HuggingFaceCheckpoint.Save(Path.Combine(folder, ModelsFolder, name), model.Config, model.ExportWeights());
                    var result = Evaluate(name, model, tokenizer, dataset, entry.Decoders(context), cancellationToken);
                    record = new RunRecord
                    {
                        Objective = name, Seed = seed, Settings = runSettings, FinalLoss = training.FinalLoss,
                        TrainSeconds = training.Elapsed.TotalSeconds, TokensPerSecond = training.TokensPerSecond, Splits = RunRecord.SplitsOf(result),
                    };
                    if (folder is not null) RunStore.Save(folder, record);
                    console.MarkupLine($"[green]{name}[/], seed {seed}: final loss {training.FinalLoss:F4}, {training.TokensPerSecond:N0} tok/s, trained in {training.Elapsed.TotalSeconds:F0} s");
                }
                report.Add(name, record.ToResult());
                runs.Add(record);
            }
            console.WriteLine();
            console.Write(ResultsTable.Render(report));
            if (folder is not null) report.WriteTo(folder);
        }
        var comparison = new SeedComparison(runs);
        return Finish(ComparisonTable.Render(comparison), clock, comparison.WriteTo, SeedComparison.MarkdownFileName, SeedComparison.JsonFileName);
    }

    /// <summary>Loads the tokenizer and every saved model of a previous <c>--out</c> folder (one seed's) and evaluates them on this run's engine.</summary>
    private int EvaluateSaved(string saved, CancellationToken cancellationToken)
    {
        var factory = new ModelFactory(settings.Backend, settings.Device, settings.Threads);
        var clock = Stopwatch.StartNew();
        var tokenizer = WordTokenizer.Load(Path.Combine(saved, TokenizerFileName));
        var dataset = settings.DataDirectory is string data ? ReversalCurseDataset.Load(data) : ReversalCurseDataset.Load(Path.Combine(saved, "data"));
        var context = CreateContext(tokenizer);
        console.MarkupLine($"Evaluating the models saved in [blue]{Markup.Escape(saved)}[/] on the {Markup.Escape(factory.Describe())}");
        var report = new ReversalCurseReport();
        foreach (string name in settings.Objectives)
        {
            string folder = Path.Combine(saved, ModelsFolder, name);
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--evaluate: '{folder}' does not exist; the run saved no '{name}' model.");
            var model = factory.Load(folder);
            using var owned = model as IDisposable;
            report.Add(name, Evaluate(name, model, tokenizer, dataset, ObjectiveCatalog.Find(name).Decoders(context), cancellationToken));
        }
        return Finish(ResultsTable.Render(report), clock, report.WriteTo, ReversalCurseReport.MarkdownFileName, ReversalCurseReport.JsonFileName);
    }

    /// <summary>Prints the final table and, with <c>--out</c>, writes its Markdown and JSON files there.</summary>
    private int Finish(IRenderable table, Stopwatch clock, Action<string> writeTo, string markdownFile, string jsonFile)
    {
        console.WriteLine();
        console.Write(table);
        console.MarkupLine($"[grey]Chance is rank@1 of a uniform guess over the split's distinct completions. {Markup.Escape(settings.Backend)} backend, total time {clock.Elapsed.TotalMinutes:F1} min.[/]");
        if (settings.OutputDirectory is string output)
        {
            writeTo(output);
            console.MarkupLine($"Wrote [blue]{Markup.Escape(Path.Combine(output, markdownFile))}[/] and [blue]{Markup.Escape(Path.Combine(output, jsonFile))}[/].");
        }
        return 0;
    }

    /// <summary>Where one seed's files go: the output folder itself for a single seed, <c>seed-N/</c> inside it for several.</summary>
    private string? SeedFolder(int seed) => settings.OutputDirectory is not string output ? null
        : settings.Seeds.Count == 1 ? output : Path.Combine(output, $"seed-{seed}");

    private static CatalogContext CreateContext(ITokenizer tokenizer) => new(
        BlankInfillingTokens.From(tokenizer.TokenToId), tokenizer.SpecialTokens, TokenizerWordBoundaries.For(tokenizer),
        tokenizer.TokenToId(RandomSegmentReversal.SeparatorTokenText));

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
        string? folder = settings.EntitiesDirectory;
        if (folder is null && settings.DataDirectory is string data)
        {
            string sibling = Path.GetFullPath(Path.Combine(data, ReversalCurseEntities.BerglundTemplatesRelativeToData));
            if (Directory.Exists(sibling)) folder = sibling;
        }
        if (folder is null) return null;
        console.MarkupLine($"Entities: names and descriptions from [blue]{Markup.Escape(folder)}[/]");
        return ReversalCurseEntities.LoadBerglund(folder);
    }

    private void DescribeEntities(TokenSequence[] examples)
    {
        int two = examples.Count(e => e.EntitySpans.Count >= 2), one = examples.Count(e => e.EntitySpans.Count == 1);
        console.MarkupLine($"[grey]entity spans: {two:N0} training rows with two or more (name and description), {one:N0} with one, {examples.Length - two - one:N0} with none[/]");
    }

    private LlamaConfig CreateConfig(int vocab, int context) => settings.Preset switch
    {
        "tiny" => LlamaConfig.Tiny(vocab) with { MaxPositionEmbeddings = context },
        "small" => LlamaConfig.Small(vocab) with { MaxPositionEmbeddings = context },
        _ => throw new ArgumentException($"Unknown preset '{settings.Preset}'; choose tiny or small."),
    };

    /// <summary>Room for the longest example after blank infilling (each span adds a [MASK] and a [sop]/[eop] pair) or segment reversal (a [REV] between segments).</summary>
    private static int ContextFor(int longest) => Math.Max(64, 2 * longest);

    private TrainingReport Train(string name, int seed, ITrainableLanguageModel model, ITrainingObjective objective, SpecialTokenIds special,
        TokenSequence[] examples, CancellationToken cancellationToken)
    {
        TrainingReport? report = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"train {name}");
                var progress = new InlineProgress<TrainingProgress>(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    task.Description = $"train {name} (seed {seed}) epoch {p.Epoch,2} loss {p.Loss,6:F3} {p.TokensPerSecond,6:N0} tok/s";
                });
                using var trainer = Trainer.For(model)
                    .WithObjective(objective)
                    .WithOptimizer(o => o.AdamW(lr: settings.LearningRate, weightDecay: 0.01).ClipGradNorm(1.0))
                    .WithSchedule(s => s.WarmupCosine(warmupSteps: 100))
                    .WithSpecialTokens(special)
                    .WithSeed(seed)
                    .WithProgress(progress)
                    .Build();
                report = trainer.Fit(examples, settings.Epochs, settings.BatchSize, cancellationToken);
            });
        return report!;
    }

    private ReversalCurseResult Evaluate(string name, ICausalLanguageModel model, ITokenizer tokenizer,
        ReversalCurseDataset dataset, IReadOnlyList<ICompletionDecoder> decoders, CancellationToken cancellationToken)
    {
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, new ReversalCurseEvaluatorOptions { MaxPerSplit = settings.EvaluateMax });
        ReversalCurseResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"eval  {name}");
                var progress = new InlineProgress<EvaluationProgress>(p =>
                {
                    task.Description = $"eval  {name} {p.Split,-11} {p.Stage,-13}";
                    task.MaxValue = p.SplitCount;
                    task.Value = p.SplitIndex + p.Fraction;
                });
                result = evaluator.Evaluate(dataset, decoders, progress, cancellationToken);
            });
        return result!;
    }
}

/// <summary>Reports on the calling thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
