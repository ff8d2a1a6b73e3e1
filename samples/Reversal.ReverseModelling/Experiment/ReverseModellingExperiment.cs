using Reversal.Samples.Common;
using System.Diagnostics;
using Reversal.ReverseModelling.Corpus;
using Reversal.Training;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Evaluation.Metrics;
using Reversal.Training.Evaluation.ReverseModelling;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;

namespace Reversal.ReverseModelling.Experiment;

/// <summary>
/// Reverse modelling as a data-quality signal (Yu et al., arXiv 2410.09817), as an experiment with known labels: a
/// corpus of natural documents and degraded copies of others, a forward and a reverse model trained from scratch on the
/// same training documents, and every held-out document scored with <c>S = L_fwd − L_rev</c>.
/// </summary>
internal sealed class ReverseModellingExperiment(ExperimentSettings settings, Action<string> log, IProgress<(string Model, TrainingProgress Step)>? progress)
{
    /// <summary>The selection sizes reported, in percent of the held-out documents.</summary>
    public static readonly int[] SelectionPercents = [10, 25, 50];

    public ExperimentResult Run(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Compute.MaxThreads = settings.Threads;
        var random = new SeededRandom(settings.Seed);

        // 1. Natural documents; half of them stay natural, the other half become degraded copies (one kind each, in turn).
        var natural = NaturalCorpus.Load(settings.DataRoot, (settings.Documents + 2) / 3, random, out string description);
        natural = natural.Take(settings.Documents).ToList();
        string[] vocabulary = [.. natural.SelectMany(d => d.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)];
        var degrader = new Degrader(random, vocabulary);
        var kinds = Enum.GetValues<Degradation>();
        var documents = natural.Select((d, i) => i % 2 == 0 ? d : d with { Text = degrader.Apply(d.Text, kinds[i / 2 % kinds.Length]), Degradation = kinds[i / 2 % kinds.Length] }).ToArray();
        random.Shuffle(documents.AsSpan());
        int heldOutCount = (int)Math.Round(documents.Length * settings.HeldOut);
        var heldOut = documents[..heldOutCount];
        var train = documents[heldOutCount..];
        log($"{documents.Length:N0} documents ({documents.Count(d => d.IsNatural):N0} natural), {train.Length:N0} for training and {heldOut.Length:N0} held out; data: {description}");

        // 2. A byte-level BPE fitted on the training documents only; documents as [BOS] text [EOS], cut to the context.
        var tokenizer = BpeTrainer.Train(train.Select(d => d.Text), new BpeTrainerOptions { VocabSize = settings.VocabSize });
        TokenSequence Encode(LabeledDocument d)
        {
            int[] ids = tokenizer.Encode(d.Text, addBos: true, addEos: true);
            return new TokenSequence(ids.Length <= settings.MaxTokens ? ids : ids[..settings.MaxTokens]);
        }
        var trainIds = train.Select(Encode).ToArray();
        var heldOutIds = heldOut.Select(Encode).ToArray();
        log($"BPE vocabulary {tokenizer.VocabSize:N0}; {trainIds.Sum(s => s.Length):N0} training tokens per epoch");

        // 3. A forward and a reverse model, the same way from the same seed.
        var config = LlamaConfig.Tiny(tokenizer.VocabSize) with { MaxPositionEmbeddings = settings.MaxTokens };
        var forward = Train("forward", new NextTokenPrediction(), config, tokenizer.SpecialTokens, trainIds, cancellationToken);
        var reverse = Train("reverse", new ReversedObjective(new NextTokenPrediction()), config, tokenizer.SpecialTokens, trainIds, cancellationToken);

        // 4. Score every held-out document.
        var scores = new ReverseModellingScorer(forward.Model, reverse.Model, tokenizer.SpecialTokens).Score(heldOutIds, cancellationToken);
        var scored = scores.Select(s => new ScoredDocument(heldOut[s.Index].Kind, heldOut[s.Index].Source, s.ForwardLoss, s.ReverseLoss)).ToArray();

        return new ExperimentResult(description, train.Length, heldOut.Length, tokenizer.VocabSize, forward.Report.FinalLoss, reverse.Report.FinalLoss,
            clock.Elapsed, Separation(scored), Selection(scored), Losses(scored), Correlation(scored), scored);
    }

    private (LlamaModel Model, TrainingReport Report) Train(string name, ITrainingObjective objective, LlamaConfig config,
        SpecialTokenIds special, TokenSequence[] examples, CancellationToken cancellationToken)
    {
        var model = LlamaModel.Create(config, settings.Seed);
        var trainer = Trainer.For(model)
            .WithObjective(objective)
            .WithOptimizer(o => o.AdamW(lr: 3e-3, weightDecay: 0.01).ClipGradNorm(1.0))
            .WithSchedule(s => s.WarmupCosine(warmupSteps: 50))
            .WithSpecialTokens(special)
            .WithSeed(settings.Seed)
            .WithProgress(new InlineProgress<TrainingProgress>(p => progress?.Report((name, p))))
            .Build();
        var report = trainer.Fit(examples, settings.Epochs, batchSize: 32, cancellationToken);
        log($"{name} model: final loss {report.FinalLoss:F3} after {report.Steps:N0} steps ({report.Elapsed.TotalSeconds:F0} s)");
        return (model, report);
    }

    /// <summary>AUC of S and of the single-model baselines, overall and per degradation kind.</summary>
    internal static List<SeparationRow> Separation(IReadOnlyList<ScoredDocument> documents)
    {
        (string Name, Func<ScoredDocument, double> Score)[] rules =
        [
            ("S = L_fwd − L_rev (high = keep)", d => d.Score),
            ("−S (low S = keep)", d => -d.Score),
            ("−L_fwd (forward perplexity filter)", d => -d.ForwardLoss),
            ("−L_rev (reverse perplexity filter)", d => -d.ReverseLoss),
        ];
        string[] kinds = [.. documents.Where(d => !d.IsNatural).Select(d => d.Kind).Distinct().Order(StringComparer.Ordinal)];
        return [.. rules.Select(rule => new SeparationRow(rule.Name,
            RocAuc.Compute([.. documents.Select(rule.Score)], [.. documents.Select(d => d.IsNatural)]),
            kinds.ToDictionary(kind => kind, kind =>
            {
                var pair = documents.Where(d => d.IsNatural || d.Kind == kind).ToArray();
                return RocAuc.Compute([.. pair.Select(rule.Score)], [.. pair.Select(d => d.IsNatural)]);
            })))];
    }

    /// <summary>The natural share of the top k% by S, by −S, by −L_fwd, and of a random selection (its expectation: the base rate).</summary>
    internal static List<SelectionRow> Selection(IReadOnlyList<ScoredDocument> documents)
    {
        double baseRate = documents.Count(d => d.IsNatural) / (double)documents.Count;
        SelectionRow Top(string rule, Func<ScoredDocument, double> key) => new(rule, SelectionPercents.ToDictionary(p => p, p =>
        {
            int k = Math.Max(1, (int)Math.Round(documents.Count * p / 100.0));
            return documents.OrderByDescending(key).Take(k).Count(d => d.IsNatural) / (double)k;
        }));
        return
        [
            Top("top k by S (highest: easier backwards)", d => d.Score),
            Top("top k by −S (lowest S)", d => -d.Score),
            Top("top k by −L_fwd (lowest forward loss)", d => -d.ForwardLoss),
            new("random selection (expected: the base rate)", SelectionPercents.ToDictionary(p => p, _ => baseRate)),
        ];
    }

    /// <summary>Mean forward and reverse losses per group, and the share of documents easier backwards (S &gt; 0).</summary>
    internal static List<LossRow> Losses(IReadOnlyList<ScoredDocument> documents)
    {
        LossRow Row(string group, IReadOnlyList<ScoredDocument> rows) => new(group, rows.Count, rows.Average(d => d.ForwardLoss),
            rows.Average(d => d.ReverseLoss), rows.Count(d => d.Score > 0) / (double)rows.Count);
        var result = new List<LossRow> { Row("all held-out", documents), Row("natural", [.. documents.Where(d => d.IsNatural)]) };
        foreach (var group in documents.Where(d => !d.IsNatural).GroupBy(d => d.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            result.Add(Row(group.Key, [.. group]));
        foreach (var group in documents.Where(d => d.IsNatural).GroupBy(d => d.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
            result.Add(Row("natural: " + group.Key, [.. group]));
        return result;
    }

    /// <summary>Pearson correlation of forward and reverse loss over the held-out documents.</summary>
    internal static double Correlation(IReadOnlyList<ScoredDocument> documents)
    {
        double mf = documents.Average(d => d.ForwardLoss), mr = documents.Average(d => d.ReverseLoss);
        double cov = documents.Sum(d => (d.ForwardLoss - mf) * (d.ReverseLoss - mr));
        double vf = documents.Sum(d => (d.ForwardLoss - mf) * (d.ForwardLoss - mf)), vr = documents.Sum(d => (d.ReverseLoss - mr) * (d.ReverseLoss - mr));
        return cov / Math.Sqrt(vf * vr);
    }
}

