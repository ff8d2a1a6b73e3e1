using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.TestSupport.Models;

namespace Reversal.Training.Engine.Tests.Llama;

/// <summary>
/// Scoring many continuations over one run of their shared prefix (<see cref="LlamaModel.ContinuationLogProbabilities"/>)
/// equals scoring each (prefix, continuation) pair alone with a full forward, does not depend on the batch size, and
/// refuses bad input by name.
/// </summary>
public class ContinuationScoringTests
{
    private const int Vocab = 50;

    private static LlamaModel Model(long seed) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = Vocab, HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 40, InitializerRange = 0.3f,
    }, seed);

    /// <summary>Thirteen continuations of 1..9 tokens.</summary>
    private static int[][] Continuations(int seed)
    {
        var random = new SeededRandom(seed);
        return [.. Enumerable.Range(0, 13).Select(_ => Enumerable.Range(0, 1 + random.NextInt(9)).Select(_ => random.NextInt(Vocab)).ToArray())];
    }

    [TestCase(1, 1)]
    [TestCase(7, 4)]
    [TestCase(20, 64)]
    public void Each_score_equals_the_pair_scored_alone(int prefixLength, int batchSize)
    {
        var model = Model(prefixLength);
        var random = new SeededRandom(prefixLength + 100);
        int[] prefix = [.. Enumerable.Range(0, prefixLength).Select(_ => random.NextInt(Vocab))];
        int[][] continuations = Continuations(prefixLength);

        double[] shared = model.ContinuationLogProbabilities(prefix, continuations, batchSize);

        for (int i = 0; i < continuations.Length; i++)
        {
            double alone = ReferenceScores.ContinuationAlone(model, prefix, continuations[i]);
            Assert.That(shared[i], Is.EqualTo(alone).Within(1e-4 * Math.Max(1, Math.Abs(alone))), $"continuation {i} ({continuations[i].Length} tokens)");
        }
        Assert.That(shared.Distinct().Count(), Is.GreaterThan(10), "the continuations score differently");
    }

    [Test]
    public void Scores_do_not_depend_on_the_batch_size()
    {
        var model = Model(3);
        int[] prefix = [1, 7, 9, 2];
        int[][] continuations = Continuations(5);
        double[] one = model.ContinuationLogProbabilities(prefix, continuations, 1);
        Assert.Multiple(() =>
        {
            Assert.That(model.ContinuationLogProbabilities(prefix, continuations, 5), Is.EqualTo(one));
            Assert.That(model.ContinuationLogProbabilities(prefix, continuations, 64), Is.EqualTo(one));
        });
    }

    [Test]
    public void Bad_input_is_refused_by_name()
    {
        var model = Model(4);
        Assert.Multiple(() =>
        {
            Assert.That(model.ContinuationLogProbabilities([1], [], 4), Is.Empty);
            Assert.That(() => model.ContinuationLogProbabilities([], [[1]], 4), Throws.ArgumentException.With.Message.Contains("prefix is empty"));
            Assert.That(() => model.ContinuationLogProbabilities([1, 50], [[1]], 4), Throws.ArgumentException.With.Message.Contains("Prefix token id 50 at position 1"));
            Assert.That(() => model.ContinuationLogProbabilities([1], [[1], []], 4), Throws.ArgumentException.With.Message.Contains("Continuation 1 is empty"));
            Assert.That(() => model.ContinuationLogProbabilities([1], [[1], [2, -1]], 4), Throws.ArgumentException.With.Message.Contains("Continuation 1: token id -1 at position 1"));
            Assert.That(() => model.ContinuationLogProbabilities(new int[30], [new int[11]], 4), Throws.ArgumentException.With.Message.Contains("exceed the model's context of 40 tokens"));
            Assert.That(() => model.ContinuationLogProbabilities([1], [[1]], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
