using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.ReversalCurse;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.Tests.ReversalCurse;

public class ReversalCurseEvaluatorTests
{
    private static readonly GeneratedReversalCurseDataset Data = TestFixtures.SmallDataset();
    private static readonly WordTokenizer Tokenizer = TestFixtures.TokenizerFor(Data);
    private static readonly LlamaModel Model = TestFixtures.TinyModel(Tokenizer.VocabSize);

    private sealed class ListProgress : IProgress<EvaluationProgress>
    {
        public List<EvaluationProgress> Items { get; } = [];

        public void Report(EvaluationProgress value) => Items.Add(value);
    }

    private static string Key(int[] ids) => string.Join(',', ids);

    /// <summary>Every test row keyed by its BOS + prompt ids.</summary>
    private static Dictionary<string, PromptCompletion> RowsByPrompt(IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> splits)
    {
        var rows = new Dictionary<string, PromptCompletion>();
        foreach (var row in splits.Values.SelectMany(r => r))
            rows.TryAdd(Key(Tokenizer.Encode(row.Prompt, addBos: true)), row);
        return rows;
    }

    /// <summary>A decoder answering <paramref name="answer"/>(the row's completion) as token ids.</summary>
    private static FakeDecoder Answering(string name, Func<string, string> answer, bool appendEos = true)
    {
        var rows = RowsByPrompt(Data.TestSplits);
        return new FakeDecoder(name, prompt =>
        {
            int[] ids = Tokenizer.Encode(answer(rows[Key(prompt)].Completion));
            return appendEos ? [.. ids, Tokenizer.SpecialTokens.Eos] : ids;
        });
    }

    /// <summary>Scores 0 for a row's true completion and -1 otherwise (or the given constant for all).</summary>
    private static Func<IReadOnlyList<PromptCompletionIds>, Action<int>?, CancellationToken, double[]> OracleScores(
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> splits, double? constant = null)
    {
        var rows = RowsByPrompt(splits);
        return (pairs, onBatch, _) =>
        {
            var scores = pairs.Select(p => constant ?? (Key(p.CompletionIds) == Key(Tokenizer.Encode(rows[Key(p.PromptIds)].Completion)) ? 0.0 : -1.0)).ToArray();
            onBatch?.Invoke(pairs.Count);
            return scores;
        };
    }

    private static string Words(string text, int skipLast = 0, string extra = "")
    {
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(words.Length - skipLast)) + extra;
    }

    [Test]
    public void The_small_data_set_has_four_rows_and_two_people_per_split()
    {
        foreach (string split in ReversalSplits.All)
        {
            Assert.That(Data.TestSplits[split], Has.Count.EqualTo(4));
            Assert.That(Data.TestSplits[split].Select(r => r.Completion).Distinct().Count(), Is.EqualTo(2));
        }
        Assert.That(Data.TestSplits[ReversalSplits.P2D][0].Completion.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, Is.GreaterThan(4));
    }

    [Test]
    public void Echoing_the_completion_is_fully_correct_on_every_split_in_canonical_order()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));

        ReversalCurseResult result = evaluator.Evaluate(Data, [Answering("greedy", c => c)]);

        Assert.That(result.Splits.Select(s => s.Split), Is.EqualTo(ReversalSplits.All));
        foreach (SplitResult split in result.Splits)
        {
            Assert.That(split.Count, Is.EqualTo(4));
            Assert.That(split.Candidates, Is.EqualTo(2));
            Assert.That(split.Chance, Is.EqualTo(0.5));
            Assert.That(split.Greedy["greedy"], Is.EqualTo(1.0));
            Assert.That(split.Rank1, Is.EqualTo(1.0));
            Assert.That(split.TargetKind, Is.EqualTo(SplitTargetKinds.Default[split.Split]));
        }
    }

    [Test]
    public void Descriptions_count_in_full_by_default_and_their_first_words_only_in_the_lenient_variant()
    {
        var fourWords = Answering("four", c => Words(c, skipLast: Math.Max(0, c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - 4)));
        var threeWords = Answering("three", c => Words(c, skipLast: c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - 3));

        // Berglund: the whole description is required.
        var berglund = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits)).Evaluate(Data, [fourWords, threeWords]);
        Assert.That(berglund[ReversalSplits.P2D].Greedy["four"], Is.EqualTo(0.0));
        Assert.That(berglund[ReversalSplits.D2PReverse].Greedy["four"], Is.EqualTo(0.0));
        Assert.That(berglund[ReversalSplits.D2P].Greedy["four"], Is.EqualTo(1.0), "a two-word name is complete in four words");

        // Lenient variant: the first four words of a description suffice.
        var lenient = new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { DescriptionWords = 4 }, OracleScores(Data.TestSplits))
            .Evaluate(Data, [fourWords, threeWords]);
        Assert.That(lenient[ReversalSplits.P2D].Greedy["four"], Is.EqualTo(1.0));
        Assert.That(lenient[ReversalSplits.D2PReverse].Greedy["four"], Is.EqualTo(1.0));
        Assert.That(lenient[ReversalSplits.P2D].Greedy["three"], Is.EqualTo(0.0));
        Assert.That(lenient[ReversalSplits.D2PReverse].Greedy["three"], Is.EqualTo(0.0));
        Assert.That(lenient[ReversalSplits.P2DReverse].Greedy["three"], Is.EqualTo(1.0));
    }

    [Test]
    public void A_prefix_of_a_name_is_wrong_and_a_longer_answer_starting_with_it_is_right()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));
        var firstNameOnly = Answering("first_name", c => Words(c, skipLast: 1));
        var longer = Answering("longer", c => c + " is the answer .", appendEos: false);

        ReversalCurseResult result = evaluator.Evaluate(Data, [firstNameOnly, longer]);

        Assert.That(result[ReversalSplits.D2P].Greedy["first_name"], Is.EqualTo(0.0));
        Assert.That(result[ReversalSplits.P2DReverse].Greedy["first_name"], Is.EqualTo(0.0));
        foreach (SplitResult split in result.Splits)
            Assert.That(split.Greedy["longer"], Is.EqualTo(1.0));
    }

    [Test]
    public void Another_persons_answer_is_wrong_and_tokens_after_eos_do_not_count()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));
        var completions = Data.TestSplits.ToDictionary(s => s.Key, s => s.Value.Select(r => r.Completion).Distinct().ToArray());
        string Other(string c) => completions.Values.First(list => list.Contains(c)).First(x => x != c);
        int eos = Tokenizer.SpecialTokens.Eos;
        var rows = RowsByPrompt(Data.TestSplits);
        var eosFirst = new FakeDecoder("eos_first", prompt => [eos, .. Tokenizer.Encode(rows[Key(prompt)].Completion)]);

        ReversalCurseResult result = evaluator.Evaluate(Data, [Answering("other", Other), eosFirst]);

        foreach (SplitResult split in result.Splits)
        {
            Assert.That(split.Greedy["other"], Is.EqualTo(0.0));
            Assert.That(split.Greedy["eos_first"], Is.EqualTo(0.0));
        }
    }

    [Test]
    public void Decoders_get_bos_plus_prompt_a_budget_of_target_tokens_plus_four_and_eos_as_stop()
    {
        var decoder = Answering("greedy", c => c);
        var options = new ReversalCurseEvaluatorOptions { Metrics = ReversalCurseMetrics.BerglundStartsWith };
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, options, OracleScores(Data.TestSplits));

        evaluator.Evaluate(Data, [decoder]);

        Assert.That(decoder.Calls, Has.Count.EqualTo(16));
        int call = 0;
        foreach (string split in ReversalSplits.All)
        {
            foreach (PromptCompletion row in Data.TestSplits[split])
            {
                var (prompt, budget, stop) = decoder.Calls[call++];
                Assert.That(prompt, Is.EqualTo(Tokenizer.Encode(row.Prompt, addBos: true)));
                Assert.That(budget, Is.EqualTo(Tokenizer.Encode(row.Completion).Length + 4));
                Assert.That(stop, Is.EqualTo(Tokenizer.SpecialTokens.Eos));
            }
        }
    }

    [Test]
    public void The_bico_metrics_decode_forty_tokens_and_starts_with_reads_only_its_own_budget()
    {
        // Five filler words before the completion: starts-with fails, but the name is inside BICO's 40 tokens.
        string filler = string.Join(' ', Enumerable.Repeat(Data.TestSplits[ReversalSplits.D2P][0].Completion.Trim().Split(' ')[0], 5));
        var late = Answering("late", c => filler + " " + c);
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));

        ReversalCurseResult result = evaluator.Evaluate(Data, [late]);

        Assert.That(late.Calls.Select(c => c.MaxNewTokens), Is.All.EqualTo(40));
        Assert.That(result[ReversalSplits.D2P].Greedy["late"], Is.EqualTo(0.0));
        Assert.That(result[ReversalSplits.D2P].BicoNameSubstring["late"], Is.EqualTo(1.0));
        Assert.That(result[ReversalSplits.P2DReverse].BicoNameSubstring["late"], Is.EqualTo(1.0));
        Assert.That(result[ReversalSplits.P2D].BicoBleu["late"], Is.InRange(0.3, 0.99), "the extra words cost precision, not recall");
        Assert.That(result[ReversalSplits.P2D].BicoNameSubstring, Is.Empty);
        Assert.That(result[ReversalSplits.D2P].BicoBleu, Is.Empty);
    }

    [Test]
    public void Echoed_descriptions_score_bleu_one_and_another_persons_scores_less()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));
        var completions = Data.TestSplits.ToDictionary(s => s.Key, s => s.Value.Select(r => r.Completion).Distinct().ToArray());
        string Other(string c) => completions.Values.First(list => list.Contains(c)).First(x => x != c);

        ReversalCurseResult result = evaluator.Evaluate(Data, [Answering("echo", c => c), Answering("other", Other)]);

        Assert.That(result[ReversalSplits.P2D].BicoBleu["echo"], Is.EqualTo(1.0).Within(1e-12));
        Assert.That(result[ReversalSplits.P2D].BicoBleu["other"], Is.LessThan(0.9));
        Assert.That(result[ReversalSplits.D2P].BicoNameSubstring["other"], Is.EqualTo(0.0));
    }

    [Test]
    public void The_real_causal_greedy_decoder_runs_end_to_end()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { MaxPerSplit = 1 });

        ReversalCurseResult result = evaluator.Evaluate(Data, [CausalGreedyDecoder.Instance]);

        foreach (SplitResult split in result.Splits)
        {
            Assert.That(split.Greedy["greedy"], Is.InRange(0.0, 1.0));
            Assert.That(split.Rank1, Is.EqualTo(0.0).Or.EqualTo(1.0));
        }
    }

    [Test]
    public void Rank1_counts_only_a_strictly_best_true_completion()
    {
        var best = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));
        var tied = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits, constant: -3.0));

        Assert.That(best.Evaluate(Data, []).Splits.Select(s => s.Rank1), Is.All.EqualTo(1.0));
        Assert.That(tied.Evaluate(Data, []).Splits.Select(s => s.Rank1), Is.All.EqualTo(0.0));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Rank1_with_the_real_scorer_agrees_with_scoring_each_pair_alone(bool sharePrompts)
    {
        // The evaluator runs each prompt once for all candidates (or not); the reference scores every pair with its own forward.
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { SharePromptsInScoring = sharePrompts });
        var scorer = new SequenceScorer(Model, sharePrompts: false);

        ReversalCurseResult result = evaluator.Evaluate(Data, []);

        foreach (string split in ReversalSplits.All)
        {
            var rows = Data.TestSplits[split];
            string[] candidates = [.. rows.Select(r => r.Completion).Distinct()];
            int correct = 0;
            foreach (PromptCompletion row in rows)
            {
                int[] prompt = Tokenizer.Encode(row.Prompt, addBos: true);
                double[] scores = [.. candidates.Select(c => scorer.Score(prompt, Tokenizer.Encode(c)))];
                double truth = scores[Array.IndexOf(candidates, row.Completion)];
                if (scores.Count(s => s >= truth) == 1) correct++;
            }
            Assert.That(result[split].Rank1, Is.EqualTo(correct / (double)rows.Count), split);
        }
    }

    [Test]
    public void Candidates_are_the_distinct_trimmed_completions_and_chance_is_their_inverse()
    {
        var splits = new Dictionary<string, IReadOnlyList<PromptCompletion>>
        {
            [ReversalSplits.D2P] =
            [
                new("Known as the reclusive composer, the person is", " Daphne Barrington"),
                new("The reclusive composer is", "Daphne Barrington  "),
                new("The famous painter is", " Uriah Hawthorne"),
                new("The quiet dancer is", " Mira Loveless"),
            ],
        };
        var tokenizer = TestFixtures.TokenizerFor(splits[ReversalSplits.D2P]);
        var model = TestFixtures.TinyModel(tokenizer.VocabSize);
        int pairs = 0;
        var evaluator = new ReversalCurseEvaluator(model, tokenizer, null, (p, _, _) =>
        {
            pairs += p.Count;
            return new double[p.Count];
        });

        SplitResult result = evaluator.Evaluate(splits, [])[ReversalSplits.D2P];

        Assert.That(result.Candidates, Is.EqualTo(3));
        Assert.That(result.Chance, Is.EqualTo(1.0 / 3));
        Assert.That(pairs, Is.EqualTo(4 * 3));
    }

    [Test]
    public void MaxPerSplit_evaluates_the_first_rows_against_every_candidate_of_the_split()
    {
        var decoder = Answering("greedy", c => c);
        int pairs = 0;
        var oracle = OracleScores(Data.TestSplits);
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { MaxPerSplit = 2 }, (p, b, t) =>
        {
            pairs += p.Count;
            return oracle(p, b, t);
        });

        ReversalCurseResult result = evaluator.Evaluate(Data, [decoder]);

        Assert.That(result.Splits.Select(s => s.Count), Is.All.EqualTo(2));
        Assert.That(result.Splits.Select(s => s.Candidates), Is.All.EqualTo(2));
        Assert.That(decoder.Calls, Has.Count.EqualTo(8));
        Assert.That(pairs, Is.EqualTo(4 * 2 * 2 + 2 * 2 * 2), "rank@1: 4 splits x 2 rows x 2 candidates; randomized: 2 splits x 2 rows x 2");
    }

    [Test]
    public void Progress_reaches_the_total_of_every_split()
    {
        var progress = new ListProgress();
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));

        evaluator.Evaluate(Data, [Answering("greedy", c => c), Answering("greedy_infill", c => c)], progress);

        Assert.That(progress.Items.Select(p => p.Split).Distinct(), Is.EqualTo(ReversalSplits.All));
        foreach (var group in progress.Items.GroupBy(p => p.Split))
        {
            EvaluationProgress[] items = [.. group];
            bool randomized = Data.RandomizedSplits.ContainsKey(group.Key);
            Assert.That(items.Select(p => p.Total), Is.All.EqualTo(4 * (randomized ? 4 : 3)));
            Assert.That(items.Select(p => p.Done), Is.Ordered);
            Assert.That(items[^1].Done, Is.EqualTo(items[^1].Total));
            Assert.That(items[^1].Stage, Is.EqualTo(randomized ? ReversalCurseEvaluator.RandomizedStage : ReversalCurseEvaluator.Rank1Stage));
            Assert.That(items.Select(p => p.SplitCount), Is.All.EqualTo(4));
        }
        Assert.That(progress.Items.Select(p => p.Stage).Distinct(), Is.EquivalentTo(new[] { "greedy", "greedy_infill", "rank1", "randomized" }));
    }

    [Test]
    public void Cancellation_stops_the_run()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));
        Assert.Throws<OperationCanceledException>(() => evaluator.Evaluate(Data, [Answering("greedy", c => c)], cancellationToken: cancel.Token));
    }

    [Test]
    public void Splits_without_a_target_kind_are_rejected_unless_mapped()
    {
        var splits = new Dictionary<string, IReadOnlyList<PromptCompletion>>(Data.TestSplits)
        {
            ["both"] = Data.Files[ReversalCurseFiles.BothTest],
        };
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(splits));
        var ex = Assert.Throws<ArgumentException>(() => evaluator.Evaluate(splits, []));
        Assert.That(ex!.Message, Does.Contain("'both'").And.Contain("TargetKinds"));

        var kinds = new Dictionary<string, TargetKind>(SplitTargetKinds.Default) { ["both"] = TargetKind.Name };
        var mapped = new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { TargetKinds = kinds }, OracleScores(splits));
        Assert.That(mapped.Evaluate(splits, []).Splits.Select(s => s.Split), Is.EqualTo(new[] { "d2p", "p2d", "p2d_reverse", "d2p_reverse", "both" }));
    }

    [Test]
    public void Empty_splits_and_empty_completions_are_rejected()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));

        var empty = Assert.Throws<ArgumentException>(() => evaluator.Evaluate(
            new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["d2p"] = [] }, []));
        Assert.That(empty!.Message, Does.Contain("'d2p' has no rows"));

        var blank = Assert.Throws<ArgumentException>(() => evaluator.Evaluate(
            new Dictionary<string, IReadOnlyList<PromptCompletion>> { ["p2d"] = [Data.TestSplits["p2d"][0], new("Who?", "  ")] }, []));
        Assert.That(blank!.Message, Does.Contain("'p2d' row 1").And.Contain("empty completion"));
    }

    [Test]
    public void Rows_longer_than_the_context_are_rejected_before_any_decoding()
    {
        var small = TestFixtures.TinyModel(Tokenizer.VocabSize, context: 8);
        var decoder = Answering("greedy", c => c);
        var evaluator = new ReversalCurseEvaluator(small, Tokenizer);

        var ex = Assert.Throws<ArgumentException>(() => evaluator.Evaluate(Data, [decoder]));

        Assert.That(ex!.Message, Does.Contain("Split 'd2p' row 0").And.Contain("context of 8"));
        Assert.That(decoder.Calls, Is.Empty);
    }

    [Test]
    public void Decoder_names_must_be_distinct_and_not_reserved()
    {
        var evaluator = new ReversalCurseEvaluator(Model, Tokenizer, null, OracleScores(Data.TestSplits));
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(Data, [Answering("greedy", c => c), Answering("greedy", c => c)]));
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(Data, [Answering("rank1", c => c)]));
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(Data, [Answering("chance", c => c)]));
        Assert.Throws<ArgumentException>(() => evaluator.Evaluate(Data, [Answering(" ", c => c)]));
    }

    [Test]
    public void Mismatched_tokenizer_and_invalid_options_are_rejected()
    {
        var tooSmall = TestFixtures.TinyModel(Tokenizer.VocabSize - 1);
        var ex = Assert.Throws<ArgumentException>(() => new ReversalCurseEvaluator(tooSmall, Tokenizer));
        Assert.That(ex!.Message, Does.Contain($"{Tokenizer.VocabSize} ids"));

        Assert.Throws<ArgumentException>(() => new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { DescriptionWords = 0 }));
        Assert.Throws<ArgumentException>(() => new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { MaxPerSplit = 0 }));
        Assert.Throws<ArgumentException>(() => new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { ExtraNewTokens = -1 }));
        Assert.Throws<ArgumentException>(() => new ReversalCurseEvaluator(Model, Tokenizer, new ReversalCurseEvaluatorOptions { BatchSize = 0 }));
    }
}
