using System.Diagnostics;
using Reversal.Training.Models;
using Reversal.Training.Serialization;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Reports;
using Reversal.Training.Evaluation.ReversalCurse;
using Spectre.Console;

namespace Reversal.Demo;

/// <summary>
/// The main job: data (generated or Berglund), a word tokenizer fitted on the training text, one from-scratch model per
/// objective trained the same way on the chosen engine, evaluation of every reversal split, and one results table.
/// With <c>--evaluate DIR</c> it evaluates the models a previous run saved instead.
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
        var dataset = LoadData();
        // The tokenizer sees the training text only: test prompts may hold words it never saw (encoded as <unk>).
        var texts = dataset.Train.Select(r => r.Prompt + " " + r.Completion);
        var tokenizer = WordTokenizer.Fit(texts, new WordTokenizerOptions { AdditionalSpecialTokens = BlankInfillingTokens.TokenTexts });
        if (settings.OutputDirectory is string outputFolder) tokenizer.Save(Path.Combine(outputFolder, TokenizerFileName));
        var examples = PromptCompletionEncoder.EncodeAll(tokenizer, dataset.Train);
        int longest = examples.Max(e => e.Length);
        var config = CreateConfig(tokenizer.VocabSize, ContextFor(longest));
        var infillTokens = BlankInfillingTokens.From(tokenizer.TokenToId);
        console.MarkupLine($"[grey]{dataset.Train.Count:N0} training rows, vocabulary {tokenizer.VocabSize:N0}, longest example {longest} tokens; " +
                           $"{settings.Preset} model ({config.HiddenSize}d, {config.NumHiddenLayers} layers), {settings.Epochs} epochs, batch {settings.BatchSize}, seed {settings.Seed}, {settings.Threads} threads, {Markup.Escape(factory.Describe())}[/]");

        var report = new ReversalCurseReport();
        foreach (string name in settings.Objectives)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (objective, decoders) = ObjectiveCatalog.Create(name, infillTokens, tokenizer.SpecialTokens);
            var model = factory.Create(config, settings.Seed);
            using var owned = model as IDisposable;
            var training = Train(name, model, objective, tokenizer.SpecialTokens, examples, cancellationToken);
            if (settings.OutputDirectory is string output) HuggingFaceCheckpoint.Save(Path.Combine(output, ModelsFolder, name), model.Config, model.ExportWeights());
            var result = Evaluate(name, model, tokenizer, dataset, decoders, cancellationToken);
            report.Add(name, result);
            console.MarkupLine($"[green]{name}[/]: final loss {training.FinalLoss:F4}, {training.TokensPerSecond:N0} tok/s, trained in {training.Elapsed.TotalSeconds:F0} s");
        }
        return Finish(report, clock);
    }

    /// <summary>Loads the tokenizer and every saved model of a previous <c>--out</c> folder and evaluates them on this run's engine.</summary>
    private int EvaluateSaved(string saved, CancellationToken cancellationToken)
    {
        var factory = new ModelFactory(settings.Backend, settings.Device, settings.Threads);
        var clock = Stopwatch.StartNew();
        var tokenizer = WordTokenizer.Load(Path.Combine(saved, TokenizerFileName));
        var dataset = settings.DataDirectory is string data ? ReversalCurseDataset.Load(data) : ReversalCurseDataset.Load(Path.Combine(saved, "data"));
        var infillTokens = BlankInfillingTokens.From(tokenizer.TokenToId);
        console.MarkupLine($"Evaluating the models saved in [blue]{Markup.Escape(saved)}[/] on the {Markup.Escape(factory.Describe())}");
        var report = new ReversalCurseReport();
        foreach (string name in settings.Objectives)
        {
            string folder = Path.Combine(saved, ModelsFolder, name);
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--evaluate: '{folder}' does not exist; the run saved no '{name}' model.");
            var (_, decoders) = ObjectiveCatalog.Create(name, infillTokens, tokenizer.SpecialTokens);
            var model = factory.Load(folder);
            using var owned = model as IDisposable;
            report.Add(name, Evaluate(name, model, tokenizer, dataset, decoders, cancellationToken));
        }
        return Finish(report, clock);
    }

    private int Finish(ReversalCurseReport report, Stopwatch clock)
    {
        console.WriteLine();
        console.Write(ResultsTable.Render(report));
        console.MarkupLine($"[grey]Chance is rank@1 of a uniform guess over the split's distinct completions. {Markup.Escape(settings.Backend)} backend, total time {clock.Elapsed.TotalMinutes:F1} min.[/]");
        if (settings.OutputDirectory is string output)
        {
            report.WriteTo(output);
            console.MarkupLine($"Wrote [blue]{Path.Combine(output, "results.md")}[/] and [blue]{Path.Combine(output, "results.json")}[/].");
        }
        return 0;
    }

    private ReversalCurseDataset LoadData()
    {
        if (settings.DataDirectory is string directory)
        {
            console.MarkupLine($"Data: Berglund layout from [blue]{Markup.Escape(directory)}[/]");
            return ReversalCurseDataset.Load(directory);
        }
        var generated = new FictitiousPeopleGenerator(new FictitiousPeopleOptions
        {
            Seed = settings.Seed, PeoplePerSubset = settings.People, TrainTemplatesPerPerson = settings.Templates,
        }).Generate();
        console.MarkupLine($"Data: generated {generated.People.Count} fictitious people ({settings.People} per subset p2d / d2p / both), {settings.Templates} training templates each, seed {settings.Seed}");
        if (settings.OutputDirectory is string output) generated.WriteTo(Path.Combine(output, "data"));
        return generated;
    }

    private LlamaConfig CreateConfig(int vocab, int context) => settings.Preset switch
    {
        "tiny" => LlamaConfig.Tiny(vocab) with { MaxPositionEmbeddings = context },
        "small" => LlamaConfig.Small(vocab) with { MaxPositionEmbeddings = context },
        _ => throw new ArgumentException($"Unknown preset '{settings.Preset}'; choose tiny or small."),
    };

    /// <summary>Room for the longest example after blank infilling (each span adds a [MASK] and a [sop]/[eop] pair).</summary>
    private static int ContextFor(int longest) => Math.Max(64, 2 * longest);

    private TrainingReport Train(string name, ITrainableLanguageModel model, ITrainingObjective objective, SpecialTokenIds special,
        TokenSequence[] examples, CancellationToken cancellationToken)
    {
        TrainingReport? report = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"train {name,-4}");
                var progress = new InlineProgress<TrainingProgress>(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    task.Description = $"train {name,-4} epoch {p.Epoch,2} loss {p.Loss,6:F3} {p.TokensPerSecond,6:N0} tok/s";
                });
                using var trainer = Trainer.For(model)
                    .WithObjective(objective)
                    .WithOptimizer(o => o.AdamW(lr: settings.LearningRate, weightDecay: 0.01).ClipGradNorm(1.0))
                    .WithSchedule(s => s.WarmupCosine(warmupSteps: 100))
                    .WithSpecialTokens(special)
                    .WithSeed(settings.Seed)
                    .WithProgress(progress)
                    .Build();
                report = trainer.Fit(examples, settings.Epochs, settings.BatchSize, cancellationToken);
            });
        return report!;
    }

    private Reversal.Training.Evaluation.ReversalCurse.ReversalCurseResult Evaluate(string name, ICausalLanguageModel model, ITokenizer tokenizer,
        ReversalCurseDataset dataset, IReadOnlyList<Reversal.Training.Generation.ICompletionDecoder> decoders, CancellationToken cancellationToken)
    {
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, new ReversalCurseEvaluatorOptions { MaxPerSplit = settings.EvaluateMax });
        Reversal.Training.Evaluation.ReversalCurse.ReversalCurseResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"eval  {name,-4}");
                var progress = new InlineProgress<EvaluationProgress>(p =>
                {
                    task.Description = $"eval  {name,-4} {p.Split,-11} {p.Stage,-13}";
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
