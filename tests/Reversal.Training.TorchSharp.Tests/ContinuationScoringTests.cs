using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.TestSupport.Models;
using Reversal.Training.TorchSharp.Llama;
using TorchSharp;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>
/// LibTorch's shared-prefix scoring (<see cref="TorchLlama.ContinuationLogProbabilities"/>): each continuation's score
/// equals scoring the pair alone with a full forward on LibTorch, and our engine's shared-prefix score on the same
/// weights; bad input gets the same messages as on our engine.
/// </summary>
public class ContinuationScoringTests
{
    private static LlamaConfig Config => ParityFixture.Config() with { InitializerRange = 0.5f };

    private static readonly int[] Prefix = [2, 9, 14, 30, 11];

    /// <summary>Eleven continuations of 1..7 tokens.</summary>
    private static readonly int[][] Continuations =
        [[7], [12, 8], [30, 11, 8, 21, 17, 33, 5], [9], [21, 21, 21], [8, 19], [33, 32, 31, 30], [10], [15, 16, 17, 18, 19], [4, 5], [28, 29, 30]];

    [TestCase(4)]
    [TestCase(64)]
    public void Each_score_equals_the_pair_scored_alone_and_our_engines_shared_score(int batchSize)
    {
        using var torchModel = TorchLlama.Create(Config, seed: 5, torch.CPU);
        var native = LlamaModel.Create(Config, seed: 5);

        double[] shared = torchModel.ContinuationLogProbabilities(Prefix, Continuations, batchSize);
        double[] ours = native.ContinuationLogProbabilities(Prefix, Continuations, batchSize);

        for (int i = 0; i < Continuations.Length; i++)
        {
            double alone = ReferenceScores.ContinuationAlone(torchModel, Prefix, Continuations[i]);
            Assert.That(shared[i], Is.EqualTo(alone).Within(1e-5 * Math.Max(1, Math.Abs(alone))), $"continuation {i}: LibTorch shared vs alone");
            Assert.That(ours[i], Is.EqualTo(shared[i]).Within(1e-4 * Math.Max(1, Math.Abs(alone))), $"continuation {i}: our engine vs LibTorch");
        }
        Assert.That(shared.Distinct().Count(), Is.GreaterThan(8), "the continuations score differently");
    }

    [Test]
    public void Bad_input_is_refused_with_our_engines_messages()
    {
        using var torchModel = TorchLlama.Create(Config, seed: 6, torch.CPU);
        var native = LlamaModel.Create(Config, seed: 6);
        (int[] Prefix, int[][] Continuations)[] cases = [([], [[1]]), ([1], [[1], []]), ([1], [[1], [2, -1]]), ([1], [new int[Config.MaxPositionEmbeddings]])];
        foreach (var (prefix, continuations) in cases)
        {
            var expected = Assert.Throws<ArgumentException>(() => native.ContinuationLogProbabilities(prefix, continuations, 4))!.Message;
            Assert.That(() => torchModel.ContinuationLogProbabilities(prefix, continuations, 4), Throws.ArgumentException.With.Message.EqualTo(expected));
        }
        Assert.That(torchModel.ContinuationLogProbabilities([1], [], 4), Is.Empty);
    }
}
