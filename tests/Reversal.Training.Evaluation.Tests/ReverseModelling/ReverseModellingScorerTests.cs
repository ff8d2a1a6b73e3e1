using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Evaluation.ReverseModelling;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.Tests.ReverseModelling;

public class ReverseModellingScorerTests
{
    private static LlamaModel Model(long seed, int vocab = 30) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = vocab, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, MaxPositionEmbeddings = 32,
    }, seed);

    private static readonly TokenSequence[] Documents =
    [
        new([2, 10, 11, 12, 13, 3]),
        new([2, 20, 21, 22, 3]),
        new([2, 5, 6, 7, 8, 9, 14, 3]),
    ];

    [Test]
    public void Score_is_forward_loss_minus_reverse_loss_on_the_reversed_tokens()
    {
        var forward = Model(1);
        var reverse = Model(2);
        var scores = new ReverseModellingScorer(forward, reverse, SpecialTokenIds.Default).Score(Documents);

        for (int i = 0; i < Documents.Length; i++)
        {
            var ids = Documents[i].Ids;
            var reversed = Documents[i].Reversed(SpecialTokenIds.Default).Ids;
            double expectedForward = -new SequenceScorer(forward).Score(ids[..1], ids[1..]) / (ids.Length - 1);
            double expectedReverse = -new SequenceScorer(reverse).Score(reversed[..1], reversed[1..]) / (reversed.Length - 1);
            Assert.That(scores[i].Index, Is.EqualTo(i));
            Assert.That(scores[i].ForwardLoss, Is.EqualTo(expectedForward).Within(1e-5));
            Assert.That(scores[i].ReverseLoss, Is.EqualTo(expectedReverse).Within(1e-5));
            Assert.That(scores[i].Score, Is.EqualTo(expectedForward - expectedReverse).Within(1e-5));
        }
    }

    [Test]
    public void The_same_model_both_ways_scores_palindromes_zero_and_rank_orders_by_score()
    {
        var model = Model(3);
        var palindrome = new TokenSequence([2, 10, 11, 10, 3]);
        var scorer = new ReverseModellingScorer(model, model, SpecialTokenIds.Default);

        Assert.That(scorer.Score([palindrome])[0].Score, Is.EqualTo(0).Within(1e-6));
        var ranked = scorer.Rank(Documents);
        Assert.That(ranked.Select(r => r.Index), Is.EquivalentTo(new[] { 0, 1, 2 }));
        Assert.That(ranked.Select(r => r.Score), Is.Ordered.Descending);
    }

    [Test]
    public void Refuses_empty_input_short_documents_and_models_with_different_vocabularies()
    {
        var scorer = new ReverseModellingScorer(Model(1), Model(2), SpecialTokenIds.Default);
        Assert.That(() => scorer.Score([]), Throws.ArgumentException.With.Message.Contains("no documents"));
        Assert.That(() => scorer.Score([Documents[0], new TokenSequence([2])]), Throws.ArgumentException.With.Message.Contains("Document 1 has no token after its BOS"));
        Assert.That(() => new ReverseModellingScorer(Model(1), Model(2, vocab: 31), SpecialTokenIds.Default), Throws.ArgumentException.With.Message.Contains("share the tokenizer"));
    }

    /// <summary>Log-probability −id for every scored target (so a mean loss is the mean id of the scored tokens), recording them.</summary>
    private sealed class TokenRecordingModel : ICausalLanguageModel
    {
        public List<int> Scored { get; } = [];

        public int VocabSize => 30;

        public int ContextLength => 32;

        public float[] Logits(ModelInput input, ReadOnlySpan<int> positions) => throw new NotSupportedException();

        public double[] TargetLogProbabilities(ModelInput input, ReadOnlySpan<int> targets)
        {
            var result = new double[targets.Length];
            for (int i = 0; i < targets.Length; i++)
                if (targets[i] != ObjectiveBatch.IgnoreIndex)
                {
                    Scored.Add(targets[i]);
                    result[i] = -targets[i];
                }
            return result;
        }

        public IDecodingSession StartDecoding(int batchSize, int capacity) => throw new NotSupportedException();
    }

    [TestCase(new[] { 10, 11, 12, 13, 3 }, TestName = "without BOS, with EOS")]
    [TestCase(new[] { 10, 11, 12, 13 }, TestName = "without BOS or EOS")]
    [TestCase(new[] { 2, 10, 11, 12, 13, 3 }, TestName = "with BOS and EOS")]
    public void Forward_and_reverse_means_cover_the_same_tokens(int[] ids)
    {
        var forward = new TokenRecordingModel();
        var reverse = new TokenRecordingModel();

        var score = new ReverseModellingScorer(forward, reverse, SpecialTokenIds.Default).Score([new TokenSequence(ids)])[0];

        // Every token but BOS is scored in both directions: the same multiset, so a model that only looks at the target
        // token gives equal means and S = 0 (scoring a BOS-less document from its first token would drop 10 forward and
        // 13 in reverse, and S would be (mean without 10) − (mean without 13) = 1/4 or 1/3 here).
        int[] content = [.. ids.Where(id => id != SpecialTokenIds.Default.Bos)];
        Assert.That(forward.Scored, Is.EquivalentTo(content));
        Assert.That(reverse.Scored, Is.EquivalentTo(content));
        Assert.That(score.ForwardLoss, Is.EqualTo(content.Average()).Within(1e-12));
        Assert.That(score.Score, Is.EqualTo(0.0).Within(1e-12));
    }

    [Test]
    public void A_document_without_bos_scores_as_the_same_document_with_bos()
    {
        var forward = Model(5);
        var reverse = Model(6);
        var scorer = new ReverseModellingScorer(forward, reverse, SpecialTokenIds.Default);

        var without = scorer.Score([new TokenSequence([10, 11, 12, 13, 3])])[0];
        var with = scorer.Score([new TokenSequence([2, 10, 11, 12, 13, 3])])[0];

        Assert.That(without.ForwardLoss, Is.EqualTo(with.ForwardLoss));
        Assert.That(without.ReverseLoss, Is.EqualTo(with.ReverseLoss));
    }
}
