using Reversal.Samples.Common;
using System.Diagnostics;
using Reversal.Training;
using Reversal.Training.Data.Examples;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Evaluation.Lema;
using Reversal.Training.Evaluation.Reasoning;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Spectre.Console;

namespace Reversal.Lema;

/// <summary>
/// LEMA end to end on the built-in arithmetic task: a base checkpoint, a CoT-trained reasoner whose sampled wrong paths
/// are the mistakes, the programmatic corrector, correction-centric and random evolution, and five fine-tunings from
/// the same base checkpoint per seed, scored by greedy pass@1 on the held-out test split.
/// </summary>
internal sealed class LemaExperiment(LemaSettings settings, IAnsiConsole console)
{
    private const string TokenizerFileName = "tokenizer.json";

    private readonly string _work = settings.OutputDirectory ?? Path.Combine(Path.GetTempPath(), $"reversal-lema-{Environment.ProcessId}");

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Compute.MaxThreads = settings.Threads;
        var clock = Stopwatch.StartNew();
        var task = new ArithmeticTaskGenerator(new ArithmeticTaskOptions
        {
            Seed = settings.TaskSeed, TrainCount = settings.Pretrain + settings.Train, TestCount = settings.Test,
            MinSteps = settings.MinSteps, MaxSteps = settings.MaxSteps, MaxStart = settings.MaxStart, MaxOperand = settings.MaxOperand,
            MaxFactor = settings.MaxFactor, MaxValue = settings.MaxValue,
        }).Generate();
        var tokenizer = WordTokenizer.Fit(TaskVocabulary.Corpus(task));
        // The first Pretrain training problems make the base checkpoint; the rest are the fine-tuning questions.
        var pretraining = task.Train.Take(settings.Pretrain).ToArray();
        task = task with { Train = task.Train.Skip(settings.Pretrain).ToArray() };
        var cot = CotRows(task.Train);
        int answerTokens = task.Train.Concat(task.Test).Max(p => tokenizer.Encode(p.Rationale).Length) + 16;
        var config = LlamaConfig.Tiny(tokenizer.VocabSize) with { MaxPositionEmbeddings = 320 };
        console.MarkupLine($"[grey]Task: {pretraining.Length} pre-training, {task.Train.Count} training and {task.Test.Count} test problems, {settings.MinSteps}-{settings.MaxSteps} operations, values up to {settings.MaxValue}, seed {settings.TaskSeed}; vocabulary {tokenizer.VocabSize}; Tiny Llama ({config.HiddenSize}d, {config.NumHiddenLayers} layers), {settings.Threads} threads[/]");

        // The base checkpoint: a Tiny model pre-trained on problems disjoint from the training and test splits.
        string baseDirectory = settings.BaseDirectory ?? Path.Combine(_work, "checkpoints", "base");
        var evaluator = new ReasoningEvaluator(new ReasoningEvaluationOptions { MaxNewTokens = answerTokens, BatchSize = 64 });
        if (settings.BaseDirectory is null)
        {
            var pretrained = LlamaModel.Create(config, settings.TaskSeed);
            Train("base (pre-training)", pretrained, tokenizer, Encode(tokenizer, CotRows(pretraining)), settings.PretrainEpochs, settings.TaskSeed,
                settings.PretrainLearningRate, cancellationToken);
            pretrained.Save(baseDirectory);
            tokenizer.Save(Path.Combine(baseDirectory, TokenizerFileName));
        }
        else if (!WordTokenizer.Load(Path.Combine(baseDirectory, TokenizerFileName)).Vocabulary.SequenceEqual(tokenizer.Vocabulary))
        {
            throw new ArgumentException($"The base checkpoint '{baseDirectory}' was made for other task settings: its {TokenizerFileName} differs from this task's vocabulary.");
        }
        double baseAccuracy = evaluator.Evaluate(LlamaModel.Load(baseDirectory), tokenizer, task.Test, cancellationToken).Accuracy;
        console.MarkupLine($"Base checkpoint: test pass@1 {Percent(baseAccuracy)}");

        // The reasoner: the base checkpoint fine-tuned with CoT on the training split.
        var reasoner = LlamaModel.Load(baseDirectory);
        Train("reasoner (CoT)", reasoner, tokenizer, Encode(tokenizer, cot), settings.ReasonerEpochs, settings.TaskSeed, settings.LearningRate, cancellationToken);
        double reasonerAccuracy = evaluator.Evaluate(reasoner, tokenizer, task.Test, cancellationToken).Accuracy;
        console.MarkupLine($"Reasoner: test pass@1 {Percent(reasonerAccuracy)}");

        // Mistakes and corrections on the training questions.
        var sampling = new ReasonerSamplingOptions
        {
            PathsPerQuestion = settings.Paths, Temperature = settings.Temperature, MaxNewTokens = answerTokens, Seed = settings.TaskSeed, BatchSize = 64,
        };
        var pipeline = new LemaPipeline(new LanguageModelReasoner(reasoner, tokenizer, sampling), new ArithmeticCorrector());
        var lema = await RunPipelineAsync("mistakes on training questions", pipeline, task.Train, "train", cancellationToken);

        // Correction-centric vs random evolution, then mistakes and corrections on the evolved questions.
        var evolver = new ArithmeticEvolver(task.Options, task.TestSignatures);
        var train = task.Train.Cast<ReasoningProblem>().ToArray();
        var excluded = task.Test.Select(p => p.Question).ToHashSet(StringComparer.Ordinal);
        var centric = await QuestionEvolution.EvolveAsync(evolver, QuestionEvolution.CorrectionCentricSeeds(train, lema), settings.Evolved,
            settings.TaskSeed, excluded, cancellationToken);
        var random = await QuestionEvolution.EvolveAsync(evolver, QuestionEvolution.RandomSeeds(train, settings.Evolved, settings.TaskSeed), settings.Evolved,
            settings.TaskSeed, excluded, cancellationToken);
        var centricData = await RunPipelineAsync("mistakes on correction-centric evolved questions", pipeline, centric.Problems, "evolved-correction-centric", cancellationToken);
        var randomData = await RunPipelineAsync("mistakes on randomly evolved questions", pipeline, random.Problems, "evolved-random", cancellationToken);

        int Tokens(PromptCompletion row) => tokenizer.Encode(row.Prompt).Length + tokenizer.Encode(row.Completion).Length + 2;
        var lemaRows = cot.Concat(lema.CorrectionRows).ToArray();
        long lemaTokens = lemaRows.Sum(r => (long)Tokens(r));
        var conditions = new[]
        {
            new ConditionData("i", "CoT only", cot),
            new ConditionData("ii", "CoT + augmented CoT (tokens of iii)", ConditionData.FillToTokens(cot, lema.AugmentedCotRows, Tokens, lemaTokens, settings.TaskSeed)),
            new ConditionData("iii", "LEMA: CoT + corrections", lemaRows),
            new ConditionData("iv", "LEMA + correction-centric evolution", [.. lemaRows, .. centricData.CorrectionRows]),
            new ConditionData("v", "LEMA + random evolution", [.. lemaRows, .. randomData.CorrectionRows]),
        };

        var results = new List<ConditionResult>();
        foreach (var condition in conditions)
        {
            var examples = Encode(tokenizer, condition.Rows);
            var accuracies = new List<double>();
            for (int seed = 1; seed <= settings.Seeds; seed++)
            {
                var model = LlamaModel.Load(baseDirectory);
                Train($"({condition.Key}) seed {seed}", model, tokenizer, examples, settings.Epochs, seed, settings.LearningRate, cancellationToken);
                double accuracy = evaluator.Evaluate(model, tokenizer, task.Test, cancellationToken).Accuracy;
                accuracies.Add(accuracy);
                console.MarkupLine($"({condition.Key}) {Markup.Escape(condition.Name)}, seed {seed}: test pass@1 [green]{Percent(accuracy)}[/]");
            }
            results.Add(new ConditionResult(condition.Key, condition.Name, condition.Rows.Count, condition.Rows.Sum(r => (long)Tokens(r)),
                examples.Sum(e => (long)(e.Length - e.PromptLength)), accuracies));
        }

        var report = new ExperimentReport(settings, task, baseAccuracy, reasonerAccuracy, lema.Statistics, centric, random, centricData.Statistics, randomData.Statistics,
            results, clock.Elapsed);
        console.Write(report.Table());
        console.MarkupLine(Markup.Escape(report.Verdict()));
        console.MarkupLine($"[grey]Total time {clock.Elapsed.TotalMinutes:F1} min.[/]");
        if (settings.OutputDirectory is string output)
        {
            report.WriteTo(output);
            console.MarkupLine($"Wrote [blue]{Path.Combine(output, "results.md")}[/] and [blue]{Path.Combine(output, "results.json")}[/].");
        }
        else
        {
            Directory.Delete(_work, recursive: true);
        }
        return 0;
    }

    private async Task<LemaDataset> RunPipelineAsync(string label, LemaPipeline pipeline, IReadOnlyList<ReasoningProblem> problems, string folder,
        CancellationToken cancellationToken)
    {
        LemaDataset? data = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask(label, maxValue: Math.Max(1, problems.Count));
                var progress = new InlineProgress<LemaProgress>(p =>
                {
                    bar.Value = p.ProblemsDone;
                    bar.Description = $"{label}: {p.WrongPaths} mistakes, {p.CorrectionsKept} corrections kept";
                });
                data = await pipeline.RunAsync(problems, Path.Combine(_work, "data", folder), progress, cancellationToken);
            });
        var s = data!.Statistics;
        console.MarkupLine($"{Markup.Escape(label)}: {s.Problems} questions, {s.SampledPaths} paths ({s.RightPaths} right, {s.WrongPaths} mistakes, {s.DuplicatePaths} repeats, {s.ReasonerDropped} dropped), {s.CorrectionsKept} corrections kept ({Percent(s.KeptShare)})");
        return data;
    }

    private void Train(string label, ITrainableLanguageModel model, ITokenizer tokenizer, TokenSequence[] examples, int epochs, long seed,
        double learningRate, CancellationToken cancellationToken)
    {
        long steps = (long)epochs * ((examples.Length + settings.BatchSize - 1) / settings.BatchSize);
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var bar = ctx.AddTask($"train {label}", maxValue: steps);
                var progress = new InlineProgress<TrainingProgress>(p =>
                {
                    bar.Value = p.Step;
                    bar.Description = $"train {label} epoch {p.Epoch,2} loss {p.Loss,6:F3} {p.TokensPerSecond,6:N0} tok/s";
                });
                using var trainer = Trainer.For(model)
                    .WithObjective(new NextTokenPrediction(completionOnly: true))
                    .WithOptimizer(o => o.AdamW(lr: learningRate, weightDecay: 0.01).ClipGradNorm(1.0))
                    .WithSchedule(s => s.WarmupCosine(warmupSteps: Math.Max(1, Math.Min(100, steps / 10))))
                    .WithTokenizer(tokenizer)
                    .WithSeed(seed)
                    .WithProgress(progress)
                    .Build();
                trainer.Fit(examples, epochs, settings.BatchSize, cancellationToken);
            });
    }

    private static PromptCompletion[] CotRows(IEnumerable<ArithmeticProblem> problems)
        => problems.Select(p => new PromptCompletion(LemaPrompts.CotInput(p.Question), p.Rationale)).ToArray();

    private static TokenSequence[] Encode(ITokenizer tokenizer, IReadOnlyList<PromptCompletion> rows) => PromptCompletionEncoder.EncodeAll(tokenizer, rows);

    internal static string Percent(double fraction) => (fraction * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";
}

