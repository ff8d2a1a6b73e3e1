using System.Diagnostics;
using Reversal.Samples.Common;
using Reversal.Samples.ReversalCurse;
using Reversal.Training;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.FineTuning;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;
using Spectre.Console;

namespace Reversal.FineTuning;

/// <summary>
/// The reversal experiment in the papers' setting: a from-scratch Llama pre-trained with NTP on the facts of one half
/// of the people, then fine-tuned on the other half's facts per objective and mode (LoRA or full) and evaluated on that
/// half's four test splits, beside the pre-trained model evaluated as it is. Every finished step is saved in the output
/// folder (the pre-trained model, each run's record and model) and reused when the command is repeated.
/// </summary>
internal sealed class FineTuningExperiment(FineTuningSettings settings, IAnsiConsole console)
{
    private const string TokenizerFileName = "tokenizer.json";
    private const string PretrainedFolder = "pretrained";
    private const string ModelsFolder = "models";

    /// <summary>Pre-training's fixed warm-up (the demo's); fine-tuning warms up over a tenth of its steps, at most 100.</summary>
    private const int PretrainingWarmupSteps = 100;

    /// <summary>What became of each step (trained, evaluated or reused), printed after the progress bars so logs keep it.</summary>
    private readonly List<string> _outcomes = [];

    private string Output => settings.OutputDirectory;

    private string PretrainedDirectory => Path.Combine(Output, PretrainedFolder);

    public int Run(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var factory = new ModelFactory(settings.Backend, settings.Device, settings.Threads);
        Directory.CreateDirectory(Output);
        var data = ExperimentData.Prepare(settings);
        data.Tokenizer.Save(Path.Combine(Output, TokenizerFileName));
        var config = data.Config;
        console.MarkupLine($"Data: {Markup.Escape(data.Description)}");
        foreach (var (half, summary) in data.Summary()) console.MarkupLine($"[grey]{half}: {Markup.Escape(summary)}[/]");
        console.MarkupLine($"[grey]vocabulary {data.Tokenizer.VocabSize:N0} (every person's words); {settings.Preset} model ({config.HiddenSize}d, {config.NumHiddenLayers} layers, context {config.MaxPositionEmbeddings}); " +
                           $"batch {settings.BatchSize}, {settings.Threads} threads, {Markup.Escape(factory.Describe())}; output {Markup.Escape(Path.GetFullPath(Output))}[/]");

        var context = CatalogContext.For(data.Tokenizer);
        var runs = settings.Objectives.SelectMany(objective => settings.Modes.Select(mode => (Objective: objective, Mode: mode))).ToArray();
        PretrainingRecord? pretraining = null;
        var rows = new List<RunRecord>();
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask Bar(string name) => ctx.AddTask(Markup.Escape($"{name,-20} waiting"), autoStart: false, maxValue: 100);
                var pretrainingBar = Bar("pretraining");
                var baselineBar = Bar("pretrained only");
                var bars = runs.Select(r => Bar(RunRecord.RunName(r.Objective, r.Mode))).ToArray();
                pretraining = Pretrain(factory, data, pretrainingBar, cancellationToken);
                rows.Add(EvaluatePretrained(factory, data, pretraining, baselineBar, cancellationToken));
                for (int i = 0; i < runs.Length; i++)
                    rows.Add(FineTune(factory, data, context, runs[i].Objective, runs[i].Mode, bars[i], cancellationToken));
            });

        foreach (string outcome in _outcomes) console.MarkupLine($"[grey]{Markup.Escape(outcome)}[/]");

        var results = new ExperimentResults(settings, data, pretraining!, rows, factory.Describe(), clock.Elapsed);
        console.WriteLine();
        console.Write(ResultsTable.Render(results));
        foreach (string note in results.Notes()) console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        results.WriteTo(Output);
        console.MarkupLine($"Wrote [blue]{Markup.Escape(Path.Combine(Output, ExperimentResults.MarkdownFileName))}[/] and [blue]{Markup.Escape(Path.Combine(Output, ExperimentResults.JsonFileName))}[/].");
        return 0;
    }

    /// <summary>Pre-trains a fresh model with NTP on the first half's rows and saves it, or reuses the one a previous run saved.</summary>
    private PretrainingRecord Pretrain(ModelFactory factory, ExperimentData data, ProgressTask bar, CancellationToken cancellationToken)
    {
        var pretrainingSettings = PretrainingSettings.Of(settings);
        var saved = RunStore.TryLoad<PretrainingRecord>(Output, PretrainingRecord.RunName, r => r.MismatchWith(pretrainingSettings));
        if (saved is not null && File.Exists(Path.Combine(PretrainedDirectory, LlamaConfigJson.FileName)))
        {
            Done(bar, $"pretraining reused {PretrainedDirectory}");
            return saved;
        }

        var model = factory.Create(data.Config, settings.Seed);
        using var owned = model as IDisposable;
        var report = Train("pretraining", bar, 100, model, new NextTokenPrediction(), data.Tokenizer, data.PretrainingExamples,
            settings.PretrainEpochs, settings.PretrainLearningRate, PretrainingWarmupSteps, cancellationToken);
        HuggingFaceCheckpoint.Save(PretrainedDirectory, model.Config, model.ExportWeights());
        var record = new PretrainingRecord
        {
            Settings = pretrainingSettings, TrainingRows = data.PretrainingExamples.Length, FinalLoss = report.FinalLoss,
            TrainSeconds = report.Elapsed.TotalSeconds, TokensPerSecond = report.TokensPerSecond, TotalParameters = report.TotalParameters,
        };
        RunStore.Save(Output, PretrainingRecord.RunName, record);
        Done(bar, $"pretraining done: final loss {report.FinalLoss:F3}, {report.TokensPerSecond:N0} tok/s, trained in {report.Elapsed.TotalSeconds:F0} s");
        return record;
    }

    /// <summary>The baseline row: the pre-trained model, never fine-tuned, evaluated on the fine-tuning half.</summary>
    private RunRecord EvaluatePretrained(ModelFactory factory, ExperimentData data, PretrainingRecord pretraining, ProgressTask bar, CancellationToken cancellationToken)
    {
        var runSettings = RunSettings.ForBaseline(settings);
        if (RunStore.TryLoad<RunRecord>(Output, RunRecord.BaselineRun, r => r.MismatchWith(RunRecord.BaselineRun, runSettings)) is RunRecord saved)
        {
            Done(bar, $"{RunRecord.BaselineRun} reused {RunStore.PathOf(Output, RunRecord.BaselineRun)}");
            return saved;
        }
        var model = factory.Load(PretrainedDirectory);
        using var owned = model as IDisposable;
        var clock = Stopwatch.StartNew();
        var result = Evaluate("pretrained only", bar, 0, model, data, [CausalGreedyDecoder.Instance], cancellationToken);
        var record = new RunRecord
        {
            Run = RunRecord.BaselineRun, Objective = null, Mode = null, Settings = runSettings, FinalLoss = null, TrainSeconds = 0,
            EvaluateSeconds = clock.Elapsed.TotalSeconds, TrainableParameters = 0, TotalParameters = pretraining.TotalParameters, Splits = SplitRecord.ListOf(result),
        };
        RunStore.Save(Output, record.Run, record);
        Done(bar, $"{RunRecord.BaselineRun} evaluated");
        return record;
    }

    /// <summary>
    /// Fine-tunes the pre-trained model on the second half's rows with one objective in one mode, saves the adapter
    /// (LoRA) or the model (full) under <c>models/{run}</c> and evaluates it; or reuses the run a previous command saved.
    /// </summary>
    private RunRecord FineTune(ModelFactory factory, ExperimentData data, CatalogContext context, string objective, FineTuningMode mode,
        ProgressTask bar, CancellationToken cancellationToken)
    {
        string run = RunRecord.RunName(objective, mode);
        var runSettings = RunSettings.For(settings, mode);
        if (RunStore.TryLoad<RunRecord>(Output, run, r => r.MismatchWith(run, runSettings)) is RunRecord saved)
        {
            Done(bar, $"{run} reused {RunStore.PathOf(Output, run)}");
            return saved;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var entry = ObjectiveCatalog.Find(objective);
        var model = factory.Load(PretrainedDirectory);
        using var ownedModel = model as IDisposable;
        ILoraModel? lora = mode == FineTuningMode.Lora ? ModelFactory.ApplyLora(model, LoraConfigFor(model.Config), settings.Seed) : null;
        using var ownedAdapters = lora as IDisposable;
        ITrainableLanguageModel trained = lora ?? model;

        int epochs = settings.EpochsOf(mode);
        long steps = (long)epochs * ((data.FineTuningExamples.Length + settings.BatchSize - 1) / settings.BatchSize);
        var report = Train(run, bar, 90, trained, entry.Create(context), data.Tokenizer, data.FineTuningExamples, epochs,
            settings.LearningRateOf(mode), Math.Clamp(steps / 10, 1, 100), cancellationToken);
        string folder = Path.Combine(Output, ModelsFolder, run);
        if (lora is not null) PeftAdapter.Save(folder, lora);
        else HuggingFaceCheckpoint.Save(folder, model.Config, model.ExportWeights());

        var clock = Stopwatch.StartNew();
        var result = Evaluate(run, bar, 90, trained, data, entry.Decoders(context), cancellationToken);
        var record = new RunRecord
        {
            Run = run, Objective = objective, Mode = mode, Settings = runSettings, FinalLoss = report.FinalLoss, TrainSeconds = report.Elapsed.TotalSeconds,
            EvaluateSeconds = clock.Elapsed.TotalSeconds, TrainableParameters = report.TrainableParameters, TotalParameters = report.TotalParameters,
            Splits = SplitRecord.ListOf(result),
        };
        RunStore.Save(Output, run, record);
        Done(bar, $"{run} done: final loss {report.FinalLoss:F3}, {report.TrainableParameters:N0} of {report.TotalParameters:N0} parameters trained in {report.Elapsed.TotalSeconds:F0} s");
        return record;
    }

    /// <summary>
    /// LoRA on all seven projections; with <see cref="FineTuningSettings.LoraTrainEmbeddings"/> the embeddings and the head
    /// are trained in full too (the head is the embedding when they are tied).
    /// </summary>
    private LoraConfig LoraConfigFor(LlamaConfig config) => new()
    {
        Rank = settings.LoraRank, Alpha = settings.LoraAlpha, Dropout = settings.LoraDropout, TargetModules = LoraConfig.AllLlamaProjections,
        ModulesToSave = !settings.LoraTrainEmbeddings ? [] : config.TieWordEmbeddings ? ["embed_tokens"] : ["embed_tokens", "lm_head"],
        BaseModelNameOrPath = Path.GetFullPath(PretrainedDirectory),
    };

    /// <summary>Trains with AdamW (weight decay 0.01), warm-up then cosine decay and clipping at 1.0, moving <paramref name="bar"/> to <paramref name="share"/>%.</summary>
    private TrainingReport Train(string label, ProgressTask bar, double share, ITrainableLanguageModel model, ITrainingObjective objective, ITokenizer tokenizer,
        TokenSequence[] examples, int epochs, double learningRate, long warmupSteps, CancellationToken cancellationToken)
    {
        bar.StartTask();
        var progress = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.TotalSteps > 0) bar.Value = share * p.Step / p.TotalSteps;
            bar.Description = Markup.Escape($"{label,-20} epoch {p.Epoch,2} loss {p.Loss,6:F3} {p.TokensPerSecond,6:N0} tok/s");
        });
        using var trainer = Trainer.For(model)
            .WithObjective(objective)
            .WithOptimizer(o => o.AdamW(lr: learningRate, weightDecay: 0.01).ClipGradNorm(1.0))
            .WithSchedule(s => s.WarmupCosine(warmupSteps: warmupSteps))
            .WithTokenizer(tokenizer)
            .WithSeed(settings.Seed)
            .WithProgress(progress)
            .Build();
        return trainer.Fit(examples, epochs, settings.BatchSize, cancellationToken);
    }

    /// <summary>Evaluates <paramref name="model"/> on the fine-tuning half's test splits (Berglund starts-with and rank@1), moving <paramref name="bar"/> from <paramref name="start"/>% to 100%.</summary>
    private ReversalCurseResult Evaluate(string label, ProgressTask bar, double start, ICausalLanguageModel model, ExperimentData data,
        IReadOnlyList<ICompletionDecoder> decoders, CancellationToken cancellationToken)
    {
        bar.StartTask();
        var evaluator = new ReversalCurseEvaluator(model, data.Tokenizer, new ReversalCurseEvaluatorOptions
        {
            Metrics = ReversalCurseMetrics.BerglundStartsWith | ReversalCurseMetrics.Rank1,
            MaxPerSplit = settings.EvaluateMax, DecodingBatchSize = settings.DecodingBatchSize,
        });
        var progress = new InlineProgress<EvaluationProgress>(p =>
        {
            bar.Description = Markup.Escape($"{label,-20} eval {p.Split,-11} {p.Stage,-13}");
            bar.Value = start + (100 - start) * (p.SplitIndex + p.Fraction) / p.SplitCount;
        });
        return evaluator.Evaluate(data.FineTuning.Dataset, decoders, progress, cancellationToken);
    }

    private void Done(ProgressTask bar, string description)
    {
        _outcomes.Add(description);
        bar.StartTask();
        bar.Value = bar.MaxValue;
        bar.Description = Markup.Escape(description);
        bar.StopTask();
    }
}
