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
        Assert.That(() => scorer.Score([Documents[0], new TokenSequence([2])]), Throws.ArgumentException.With.Message.Contains("Document 1 has 1 token"));
        Assert.That(() => new ReverseModellingScorer(Model(1), Model(2, vocab: 31), SpecialTokenIds.Default), Throws.ArgumentException.With.Message.Contains("share the tokenizer"));
    }
}
