using Reversal.Training.Models;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Operations;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// Llama self-attention (<c>self_attn</c>): projections <c>q_proj [H·d, D]</c>, <c>k_proj</c> and <c>v_proj
/// [Hkv·d, D]</c>, <c>o_proj [D, H·d]</c>, with RoPE and masking delegated to
/// <see cref="Functional.ScaledDotProductAttention"/>.
/// </summary>
public sealed class LlamaAttention : Module
{
    private readonly LlamaConfig _config;

    /// <summary>Creates the layer from the config.</summary>
    public LlamaAttention(LlamaConfig config, SeededRandom? random)
    {
        _config = config;
        int d = config.HeadDim, width = config.HiddenSize;
        QProj = RegisterModule("q_proj", new Linear(width, config.NumAttentionHeads * d, random, config.InitializerRange));
        KProj = RegisterModule("k_proj", new Linear(width, config.KeyValueHeads * d, random, config.InitializerRange));
        VProj = RegisterModule("v_proj", new Linear(width, config.KeyValueHeads * d, random, config.InitializerRange));
        OProj = RegisterModule("o_proj", new Linear(config.NumAttentionHeads * d, width, random, config.InitializerRange));
    }

    /// <summary>Query projection.</summary>
    public Linear QProj { get; }

    /// <summary>Key projection.</summary>
    public Linear KProj { get; }

    /// <summary>Value projection.</summary>
    public Linear VProj { get; }

    /// <summary>Output projection.</summary>
    public Linear OProj { get; }

    /// <summary><c>[B, T, D]</c> → <c>[B, T, D]</c> under the given attention context.</summary>
    public Tensor Forward(Tensor x, AttentionContext context)
    {
        var attended = Functional.ScaledDotProductAttention(QProj.Forward(x), KProj.Forward(x), VProj.Forward(x), context);
        return OProj.Forward(attended);
    }

    /// <summary>
    /// Incremental causal forward of one decoding step (no grad): the new tokens of every row, packed
    /// <c>[1, N, D]</c>, go through the projections as one GEMM each; <see cref="Functional.CachedAttention"/> appends their
    /// keys and values to <paramref name="cache"/> and attends each to its row's cache. The projections' weights come
    /// from <paramref name="packs"/> when given.
    /// </summary>
    internal Tensor ForwardCached(Tensor x, CachedKeyValues cache, DecodingStep step, AttentionContext context, PackedWeights? packs)
    {
        var attended = Functional.CachedAttention(QProj.Forward(x, packs), KProj.Forward(x, packs), VProj.Forward(x, packs), context, cache, step);
        return OProj.Forward(attended, packs);
    }
}
