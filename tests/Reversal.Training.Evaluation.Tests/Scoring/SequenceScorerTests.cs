using Reversal.Training.Engine.Autograd;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.Tests.Scoring;

public class SequenceScorerTests
{
    private const int Vocab = 23;

    private static LlamaModel Model() => TestFixtures.TinyModel(Vocab);

    /// <summary>log p(c | p) straight from a single-row forward pass, in double.</summary>
    private static double Direct(LlamaModel model, int[] prompt, int[] completion)
    {
        int[] ids = [.. prompt, .. completion];
        float[] logits;
        using (GradMode.NoGrad())
            logits = model.Forward(ids, 1, ids.Length).ToArray();
        double sum = 0;
        for (int j = 0; j < completion.Length; j++)
        {
            int position = prompt.Length + j - 1;
            var row = logits.AsSpan(position * Vocab, Vocab);
            double max = double.NegativeInfinity;
            foreach (float x in row) max = Math.Max(max, x);
            double total = 0;
            foreach (float x in row) total += Math.Exp(x - max);
            sum += row[completion[j]] - (max + Math.Log(total));
        }
        return sum;
    }

    private static PromptCompletionIds[] MixedPairs() =>
    [
        new([2, 5, 6, 7, 8, 9], [10, 11]),
        new([2], [4]),
        new([2, 12, 13], [14, 15, 16, 17, 18, 19]),
        new([2, 20, 21, 22, 5], [6]),
        new([2, 7], [7, 7, 7]),
    ];

    [Test]
    public void Score_matches_a_direct_computation_from_the_logits()
    {
        var model = Model();
        var scorer = new SequenceScorer(model);
        foreach (var (prompt, completion) in MixedPairs())
            Assert.That(scorer.Score(prompt, completion), Is.EqualTo(Direct(model, prompt, completion)).Within(1e-4));
    }

    [Test]
    public void Scores_are_the_same_alone_or_in_padded_batches_and_keep_input_order()
    {
        var model = Model();
        PromptCompletionIds[] pairs = MixedPairs();
        double[] alone = [.. pairs.Select(p => new SequenceScorer(model).Score(p.PromptIds, p.CompletionIds))];

        double[] oneBatch = new SequenceScorer(model, batchSize: 64).Score(pairs);
        double[] smallBatches = new SequenceScorer(model, batchSize: 2).Score(pairs);

        Assert.That(oneBatch, Is.EqualTo(alone).Within(1e-4));
        Assert.That(smallBatches, Is.EqualTo(alone).Within(1e-4));
    }

    [Test]
    public void Sharing_each_prompt_across_its_completions_gives_the_scores_of_scoring_every_pair_alone()
    {
        var model = Model();
        // Three prompts (p1 once more as a distinct but equal array), each with several completions, interleaved.
        int[] p1 = [2, 5, 6, 7], p2 = [2], p3 = [2, 12, 13, 14, 15, 16];
        PromptCompletionIds[] pairs =
        [
            new(p1, [10, 11]), new(p2, [4]), new(p3, [17]), new(p1, [8]), new([2, 5, 6, 7], [9, 9, 9, 9]),
            new(p2, [14, 15, 16, 17, 18, 19]), new(p3, [3, 4]), new(p1, [22, 1, 0]),
        ];
        var progress = new List<int>();
        var shared = new SequenceScorer(model, batchSize: 2);
        Assert.That(shared.SharesPrompts);

        double[] sharedScores = shared.Score(pairs, progress.Add, CancellationToken.None);
        double[] alone = new SequenceScorer(model, batchSize: 2, sharePrompts: false).Score(pairs);

        for (int i = 0; i < pairs.Length; i++)
            Assert.That(sharedScores[i], Is.EqualTo(alone[i]).Within(1e-4 * Math.Max(1, Math.Abs(alone[i]))), $"pair {i}");
        // p1 has four pairs and is shared; p2 and p3 have two each and go into padded batches of two.
        Assert.That(progress, Is.EqualTo(new[] { 4, 6, 8 }), "progress after the shared prompt, then after each padded batch");
    }

    [Test]
    public void Single_token_probabilities_sum_to_one_over_the_vocabulary()
    {
        var scorer = new SequenceScorer(Model());
        var pairs = Enumerable.Range(0, Vocab).Select(v => new PromptCompletionIds([2, 9, 4], [v])).ToArray();

        double total = scorer.Score(pairs).Sum(Math.Exp);

        Assert.That(total, Is.EqualTo(1.0).Within(1e-5));
    }

    [Test]
    public void Mean_token_loss_is_the_negative_sum_over_the_length()
    {
        Assert.That(SequenceScorer.MeanTokenLoss(-6.0, 4), Is.EqualTo(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceScorer.MeanTokenLoss(-1, 0));

        var scorer = new SequenceScorer(Model());
        PromptCompletionIds[] pairs = MixedPairs();
        double[] scores = scorer.Score(pairs);
        double[] losses = scorer.MeanTokenLosses(pairs);
        for (int i = 0; i < pairs.Length; i++)
            Assert.That(losses[i], Is.EqualTo(-scores[i] / pairs[i].CompletionIds.Length).Within(1e-12));
    }

    [Test]
    public void Log_softmax_is_stable_for_huge_logits()
    {
        Assert.That(LogSoftmax.At([10000f, 10000f], 0), Is.EqualTo(Math.Log(0.5)).Within(1e-12));
        Assert.That(LogSoftmax.At([-10000f, 0f], 0), Is.EqualTo(-10000.0).Within(1e-6));
    }

    [Test]
    public void An_empty_input_gives_no_scores() =>
        Assert.That(new SequenceScorer(Model()).Score([]), Is.Empty);

    [TestCase(new int[0], new[] { 4 }, "prompt is empty")]
    [TestCase(new[] { 2 }, new int[0], "completion is empty")]
    [TestCase(new[] { 2, Vocab }, new[] { 4 }, "prompt token id 23 at position 1 is outside")]
    [TestCase(new[] { 2 }, new[] { 4, -1 }, "completion token id -1 at position 1 is outside")]
    public void Invalid_pairs_are_rejected_naming_the_pair_and_the_problem(int[] prompt, int[] completion, string problem)
    {
        var scorer = new SequenceScorer(Model());
        PromptCompletionIds[] pairs = [new([2], [4]), new([2], [5]), new(prompt, completion)];

        var ex = Assert.Throws<ArgumentException>(() => scorer.Score(pairs));

        Assert.That(ex!.Message, Does.Contain("Pair 2").And.Contain(problem));
    }

    [Test]
    public void Null_arrays_are_rejected_as_empty()
    {
        var scorer = new SequenceScorer(Model());
        var ex = Assert.Throws<ArgumentException>(() => scorer.Score([new(null!, [4])]));
        Assert.That(ex!.Message, Does.Contain("Pair 0").And.Contain("prompt is empty"));
    }

    [Test]
    public void Pairs_longer_than_the_context_are_rejected()
    {
        var scorer = new SequenceScorer(TestFixtures.TinyModel(Vocab, context: 8));
        PromptCompletionIds[] pairs = [new([2, 3, 4, 5], [6, 7, 8, 9]), new([2, 3, 4, 5, 6], [7, 8, 9, 10])];

        Assert.That(scorer.Score([pairs[0]]), Has.Length.EqualTo(1)); // exactly the context is fine
        var ex = Assert.Throws<ArgumentException>(() => scorer.Score(pairs));
        Assert.That(ex!.Message, Does.Contain("Pair 1").And.Contain("context of 8"));
    }

    [Test]
    public void Batch_size_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceScorer(Model(), batchSize: 0));

    [Test]
    public void Scoring_records_nothing_on_the_tape()
    {
        var model = Model();
        new SequenceScorer(model).Score([2, 3], [4]);
        Assert.That(GradMode.IsEnabled, Is.True);
        Assert.That(model.HeadWeight.Grad, Is.Null);
    }
}
