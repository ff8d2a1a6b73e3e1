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
/// One pre-norm decoder layer: <c>h = x + attn(norm₁(x))</c>, <c>out = h + mlp(norm₂(h))</c>, with Hugging Face names
/// <c>input_layernorm</c>, <c>self_attn</c>, <c>post_attention_layernorm</c>, <c>mlp</c>.
/// </summary>
public sealed class LlamaDecoderLayer : Module
{
    /// <summary>Creates the layer from the config.</summary>
    public LlamaDecoderLayer(LlamaConfig config, SeededRandom? random)
    {
        InputLayerNorm = RegisterModule("input_layernorm", new RmsNorm(config.HiddenSize, config.RmsNormEps));
        SelfAttention = RegisterModule("self_attn", new LlamaAttention(config, random));
        PostAttentionLayerNorm = RegisterModule("post_attention_layernorm", new RmsNorm(config.HiddenSize, config.RmsNormEps));
        Mlp = RegisterModule("mlp", new LlamaMlp(config, random));
    }

    /// <summary>Norm before attention.</summary>
    public RmsNorm InputLayerNorm { get; }

    /// <summary>Self-attention.</summary>
    public LlamaAttention SelfAttention { get; }

    /// <summary>Norm before the MLP.</summary>
    public RmsNorm PostAttentionLayerNorm { get; }

    /// <summary>Feed-forward block.</summary>
    public LlamaMlp Mlp { get; }

    /// <summary><c>[B, T, D]</c> → <c>[B, T, D]</c>.</summary>
    public Tensor Forward(Tensor x, AttentionContext context)
    {
        var h = Functional.Add(x, SelfAttention.Forward(InputLayerNorm.Forward(x), context));
        return Functional.Add(h, Mlp.Forward(PostAttentionLayerNorm.Forward(h)));
    }

    internal Tensor ForwardCached(Tensor x, CachedKeyValues cache, DecodingStep step, AttentionContext context, PackedWeights? packs)
    {
        var h = Functional.Add(x, SelfAttention.ForwardCached(InputLayerNorm.Forward(x), cache, step, context, packs));
        return Functional.Add(h, Mlp.Forward(PostAttentionLayerNorm.Forward(h), packs));
    }
}
