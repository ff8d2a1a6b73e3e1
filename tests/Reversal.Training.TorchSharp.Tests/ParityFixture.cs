using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.TorchSharp.Llama;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>The same small Llama on both engines, and batches from the real objectives.</summary>
internal static class ParityFixture
{
    public const int Vocab = 40;

    /// <summary>Special ids: pad 0, unk 1, bos 2, eos 3; blank-infilling tokens 4, 5, 6.</summary>
    public static readonly SpecialTokenIds Special = SpecialTokenIds.Default;

    public static readonly BlankInfillingTokens InfillTokens = new(4, 5, 6);

    /// <summary>d32, 2 layers, 4 query heads over 2 key/value heads (GQA), ffn 48, context 48.</summary>
    public static LlamaConfig Config(bool tied = false) => new()
    {
        VocabSize = Vocab, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, MaxPositionEmbeddings = 48, TieWordEmbeddings = tied, InitializerRange = 0.2f,
    };

    public static (LlamaModel Native, TorchLlama Torch) Models(long seed, bool tied = false)
    {
        var config = Config(tied);
        return (LlamaModel.Create(config, seed), TorchLlama.Create(config, seed, CPU));
    }

    /// <summary>The separator random-segment reversal writes between segments (shares id 6 with [eop]; any id works for parity).</summary>
    public const int SegmentSeparator = 6;

    /// <summary>
    /// <paramref name="count"/> sequences [BOS] w1..wk [EOS] with k in 5..14, words in 7..39, and two entity spans
    /// (w1 w2 and w4..w5) for entity-preserving reversal.
    /// </summary>
    public static TokenSequence[] Sequences(int count, int seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int length = 5 + random.NextInt(10);
            var ids = new int[length + 2];
            ids[0] = Special.Bos;
            for (int i = 1; i <= length; i++) ids[i] = 7 + random.NextInt(Vocab - 7);
            ids[^1] = Special.Eos;
            return new TokenSequence(ids, promptLength: 1 + random.NextInt(3), entitySpans: [new TokenSpan(1, 2), new TokenSpan(4, 2)]);
        }).ToArray();
    }

    public static ObjectiveBatch Prepare(ITrainingObjective objective, int seed, int count = 4) =>
        objective.Prepare(Sequences(count, seed), new ObjectiveContext(new SeededRandom(seed + 1000), Special, Config().MaxPositionEmbeddings));

    public static ITrainingObjective Causal => new NextTokenPrediction();

    public static ITrainingObjective Bico => new Bico(maskRate: 0.3);

    public static ITrainingObjective Abi => new BlankInfilling(InfillTokens);

    public static ITrainingObjective MlmU => new MlmU();

    public static ITrainingObjective EntityReversed => new ReversedObjective(new NextTokenPrediction(), new EntityPreservingReversal());

    public static ITrainingObjective SegmentReversed => new ReversedObjective(new NextTokenPrediction(), new RandomSegmentReversal(3, SegmentSeparator));

    /// <summary>The largest |a − b| over the largest |b|: the relative error the issue bounds by 1e-4.</summary>
    public static double MaxRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), "element count");
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }
}
