using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;

namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>The tiny GQA Llama of the model tests and batches for it.</summary>
public static class TinyLlama
{
    /// <summary>V 11, D 8, F 12, 2 layers, 2 heads over 1 kv head (head size 4), context 16.</summary>
    public static LlamaConfig Config(bool tied = false) => new()
    {
        VocabSize = 11, HiddenSize = 8, IntermediateSize = 12, NumHiddenLayers = 2, NumAttentionHeads = 2,
        NumKeyValueHeads = 1, MaxPositionEmbeddings = 16, TieWordEmbeddings = tied,
    };

    /// <summary>
    /// <c>LlamaModel.Create(config, seed)</c>; with <paramref name="rescale"/> every parameter is then re-drawn at a scale
    /// where activations and gradients are O(1) (matrices Normal(0, 0.5²), norm gains Normal(1, 0.2²)), so that the
    /// gradient checks exercise every path with meaningful magnitudes instead of the near-zero 0.02 initialisation.
    /// </summary>
    public static LlamaModel Create(long seed, bool tied = false, bool rescale = true)
    {
        var model = LlamaModel.Create(Config(tied), seed);
        if (!rescale) return model;
        int index = 0;
        foreach (var (name, parameter) in model.NamedParameters())
        {
            bool gain = name.EndsWith("norm.weight", StringComparison.Ordinal);
            var values = Samples.Normal((int)seed * 1000 + index++, parameter.Count, std: gain ? 0.2 : 0.5, mean: gain ? 1.0 : 0.0);
            values.CopyTo(parameter.AsSpan());
        }
        return model;
    }

    /// <summary>Random ids; positions 0..T−1; targets the next token, −100 at each row's end and at a few other places.</summary>
    public static ObjectiveBatch CausalBatch(int seed, int batch = 2, int length = 5, bool[]? keyMask = null)
    {
        var ids = Samples.Ints(seed, batch * length, 11);
        var positions = new int[batch * length];
        var targets = new int[batch * length];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++)
            {
                int i = b * length + t;
                positions[i] = t;
                targets[i] = t == length - 1 || (i % 3 == 1) ? -100 : ids[i + 1];
            }
        return new ObjectiveBatch(batch, length, ids, positions, targets, AttentionMaskPolicy.Causal,
            keyMask ?? Enumerable.Repeat(true, batch * length).ToArray(), "test");
    }

    /// <summary>
    /// A BICO-style batch (2 × 7): chosen tokens replaced by placeholder id 0 and removed as keys; output i is scored
    /// against the original token i+1 only where i+1 was chosen.
    /// </summary>
    public static ObjectiveBatch BicoBatch(int seed)
    {
        const int batch = 2, length = 7;
        var original = Samples.Ints(seed, batch * length, 10).Select(x => x + 1).ToArray();
        var ids = (int[])original.Clone();
        var keyMask = Enumerable.Repeat(true, batch * length).ToArray();
        var targets = Enumerable.Repeat(-100, batch * length).ToArray();
        var positions = new int[batch * length];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % length;
        foreach (int i in new[] { 2, 5, length + 1, length + 3 })
        {
            ids[i] = 0;
            keyMask[i] = false;
            targets[i - 1] = original[i];
        }
        return new ObjectiveBatch(batch, length, ids, positions, targets, AttentionMaskPolicy.Bico, keyMask, "test-bico");
    }

    /// <summary>A GLM-style batch (2 × 7): prefixes 3 and 4, out-of-order position ids in row 1, every target counted.</summary>
    public static ObjectiveBatch PrefixBatch(int seed)
    {
        const int batch = 2, length = 7;
        var ids = Samples.Ints(seed, batch * length, 11);
        int[] positions = [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 2, 3, 2];
        var targets = Samples.Ints(seed + 1, batch * length, 11);
        return new ObjectiveBatch(batch, length, ids, positions, targets, AttentionMaskPolicy.PrefixBidirectional([3, 4]),
            Enumerable.Repeat(true, batch * length).ToArray(), "test-prefix");
    }

    /// <summary>The reference pattern of a batch's policy.</summary>
    public static ReferenceMask MaskOf(ObjectiveBatch batch) => batch.Attention.Kind switch
    {
        AttentionKind.Causal => ReferenceMask.Causal,
        AttentionKind.Bico => ReferenceMask.Bico,
        _ => ReferenceMask.PrefixBidirectional,
    };

    /// <summary>The float64 reference loss of <paramref name="batch"/>.</summary>
    public static double ReferenceLoss(ReferenceLlama reference, ObjectiveBatch batch) =>
        reference.Loss(batch.InputIds, batch.BatchSize, batch.SequenceLength, batch.PositionIds, batch.Targets, MaskOf(batch),
            batch.KeyMask, batch.Attention.PrefixLengths.ToArray());

    /// <summary>The float64 reference logits of <paramref name="batch"/>.</summary>
    public static double[] ReferenceLogits(ReferenceLlama reference, ObjectiveBatch batch) =>
        reference.Logits(batch.InputIds, batch.BatchSize, batch.SequenceLength, batch.PositionIds, MaskOf(batch),
            batch.KeyMask, batch.Attention.PrefixLengths.ToArray());
}
