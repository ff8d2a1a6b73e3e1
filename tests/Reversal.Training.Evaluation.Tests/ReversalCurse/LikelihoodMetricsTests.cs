using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.Training.Evaluation.Tests.ReversalCurse;

/// <summary>
/// Rank@1 by summed vs mean log-probability and Berglund's randomized test, through the real scorer, on a crafted model
/// whose log-probability of a completion token is fixed per word: alpha −3, beta −2, gamma −2, delta −1 (others −10).
/// </summary>
public class LikelihoodMetricsTests
{
    private static readonly Dictionary<string, double> WordLogProbability = new()
    {
        ["alpha"] = -3, ["beta"] = -2, ["gamma"] = -2, ["delta"] = -1,
    };

    /// <summary>A model whose <see cref="TargetLogProbabilities"/> is a per-token table; it cannot decode.</summary>
    private sealed class CraftedModel(WordTokenizer tokenizer) : ICausalLanguageModel
    {
        public int VocabSize => tokenizer.VocabSize;

        public int ContextLength => 64;

        public float[] Logits(ModelInput input, ReadOnlySpan<int> positions) => throw new NotSupportedException("The crafted model only scores.");

        public double[] TargetLogProbabilities(ModelInput input, ReadOnlySpan<int> targets)
        {
            var result = new double[targets.Length];
            for (int i = 0; i < targets.Length; i++)
                if (targets[i] != ObjectiveBatch.IgnoreIndex)
                    result[i] = WordLogProbability.GetValueOrDefault(tokenizer.IdToToken(targets[i]), -10);
            return result;
        }

        public IDecodingSession StartDecoding(int batchSize, int capacity) => throw new NotSupportedException("The crafted model only scores.");
    }

    private static (WordTokenizer Tokenizer, CraftedModel Model) Build(IEnumerable<PromptCompletion> rows)
    {
        var tokenizer = TestFixtures.TokenizerFor(rows);
        return (tokenizer, new CraftedModel(tokenizer));
    }

    private static ReversalCurseEvaluatorOptions Options(ReversalCurseMetrics metrics) => new()
    {
        Metrics = metrics, TargetKinds = new Dictionary<string, TargetKind> { ["names"] = TargetKind.Name },
    };

    [Test]
    public void Rank1_by_sum_favours_the_short_candidate_and_rank1_by_mean_the_likelier_tokens()
    {
        // Candidates: "alpha" (sum −3, mean −3) and "beta gamma" (sum −4, mean −2). By sum alpha always wins, by mean
        // beta gamma always wins: rows whose truth is beta gamma are right only by mean, rows whose truth is alpha only by sum.
        PromptCompletion[] rows =
        [
            new("who is one", " beta gamma"), new("who is two", " alpha"), new("who is three", " beta gamma"),
        ];
        var (tokenizer, model) = Build(rows);
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, Options(ReversalCurseMetrics.Rank1));

        SplitResult result = evaluator.Evaluate(new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = rows }, [])["names"];

        Assert.That(result.Rank1, Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(result.Rank1Mean, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(result.Chance, Is.EqualTo(0.5));
        Assert.That(result.Randomized, Is.Null, "no randomized rows");
        Assert.That(result.Greedy, Is.Empty, "no decoder ran");
    }

    [Test]
    public void The_randomized_test_counts_rows_whose_true_completion_beats_its_counterpart_and_averages_the_difference()
    {
        PromptCompletion[] rows = [new("who is one", " alpha"), new("who is two", " beta gamma"), new("who is three", " delta")];
        PromptCompletion[] randomized = [new("who is one", " beta gamma"), new("who is two", " alpha"), new("who is three", " alpha")];
        var (tokenizer, model) = Build([.. rows, .. randomized]);
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, Options(ReversalCurseMetrics.RandomizedLogProbability));

        SplitResult result = evaluator.Evaluate(
            new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = rows },
            new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = randomized }, [])["names"];

        // true vs random: −3 vs −4 (wins), −4 vs −3 (loses), −1 vs −3 (wins).
        RandomizedComparison comparison = result.Randomized!;
        Assert.That(comparison.Pairs, Is.EqualTo(3));
        Assert.That(comparison.TrueBeatsRandom, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(comparison.MeanTrueLogProbability, Is.EqualTo(-8.0 / 3).Within(1e-12));
        Assert.That(comparison.MeanRandomLogProbability, Is.EqualTo(-10.0 / 3).Within(1e-12));
        Assert.That(comparison.MeanDifference, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(double.IsNaN(result.Rank1), "rank@1 was not selected");
    }

    [Test]
    public void Ties_count_against_the_true_completion_in_the_randomized_test()
    {
        PromptCompletion[] rows = [new("who is one", " beta"), new("who is two", " gamma")];
        PromptCompletion[] randomized = [new("who is one", " gamma"), new("who is two", " beta")];
        var (tokenizer, model) = Build([.. rows, .. randomized]);
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, Options(ReversalCurseMetrics.RandomizedLogProbability));

        SplitResult result = evaluator.Evaluate(
            new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = rows },
            new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = randomized }, [])["names"];

        Assert.That(result.Randomized!.TrueBeatsRandom, Is.EqualTo(0.0));
        Assert.That(result.Randomized.MeanDifference, Is.EqualTo(0.0));
    }

    [Test]
    public void Randomized_rows_must_pair_with_the_test_rows()
    {
        PromptCompletion[] rows = [new("who is one", " alpha"), new("who is two", " beta")];
        var (tokenizer, model) = Build([.. rows, new("who is three", " gamma")]);
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, Options(ReversalCurseMetrics.RandomizedLogProbability));
        var splits = new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = rows };

        Assert.Multiple(() =>
        {
            Assert.That(() => evaluator.Evaluate(splits, new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = [rows[0]] }, []),
                Throws.ArgumentException.With.Message.Contains("has 2 rows but its randomized counterpart has 1"));
            Assert.That(() => evaluator.Evaluate(splits, new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["names"] = [rows[0], new("who is three", " gamma")] }, []),
                Throws.ArgumentException.With.Message.Contains("row 1 has another prompt"));
        });
    }

    [Test]
    public void An_empty_metric_selection_is_refused()
    {
        PromptCompletion[] rows = [new("who is one", " alpha")];
        var (tokenizer, model) = Build(rows);
        Assert.That(() => new ReversalCurseEvaluator(model, tokenizer, Options(ReversalCurseMetrics.None)),
            Throws.ArgumentException.With.Message.Contains("Metrics"));
    }
}
