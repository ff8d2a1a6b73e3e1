using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>Small deterministic data for trainer tests.</summary>
internal static class TinyTask
{
    public const int Vocab = 40;

    /// <summary><paramref name="count"/> random sequences of 8..12 tokens: BOS, ids 4..39, EOS.</summary>
    public static TokenSequence[] Sequences(int count, long seed)
    {
        var random = new SeededRandom(seed);
        var result = new TokenSequence[count];
        for (int i = 0; i < count; i++)
        {
            int length = 8 + random.NextInt(5);
            var ids = new int[length];
            ids[0] = SpecialTokenIds.Default.Bos;
            ids[^1] = SpecialTokenIds.Default.Eos;
            for (int t = 1; t < length - 1; t++) ids[t] = 4 + random.NextInt(Vocab - 4);
            result[i] = new TokenSequence(ids);
        }
        return result;
    }

    /// <summary>
    /// <paramref name="count"/> random sequences of 8..12 tokens whose first token is distinct (4 + index), so every later
    /// token is determined by the sequence's start and the sequences can be memorised exactly (loss → 0).
    /// </summary>
    public static TokenSequence[] Memorisable(int count, long seed)
    {
        var random = new SeededRandom(seed);
        var result = new TokenSequence[count];
        for (int i = 0; i < count; i++)
        {
            int length = 8 + random.NextInt(5);
            var ids = new int[length];
            ids[0] = 4 + i;
            ids[^1] = SpecialTokenIds.Default.Eos;
            for (int t = 1; t < length - 1; t++) ids[t] = 4 + random.NextInt(Vocab - 4);
            result[i] = new TokenSequence(ids);
        }
        return result;
    }

    /// <summary>A miniature Llama (d32, 2 layers, GQA) for fast trainer tests.</summary>
    public static LlamaModel SmallModel(long seed) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = Vocab, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 32,
    }, seed);
}
