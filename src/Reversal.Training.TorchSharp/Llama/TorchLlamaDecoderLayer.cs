using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>One pre-norm decoder layer: <c>h = x + attn(norm₁(x))</c>, <c>y = h + mlp(norm₂(h))</c>.</summary>
internal sealed class TorchLlamaDecoderLayer : nn.Module
{
    public TorchLlamaDecoderLayer(LlamaConfig config, Device device) : base(nameof(TorchLlamaDecoderLayer))
    {
        InputLayerNorm = new TorchRmsNorm(config.HiddenSize, config.RmsNormEps, device);
        SelfAttention = new TorchLlamaAttention(config, device);
        PostAttentionLayerNorm = new TorchRmsNorm(config.HiddenSize, config.RmsNormEps, device);
        Mlp = new TorchLlamaMlp(config, device);
        register_module("input_layernorm", InputLayerNorm);
        register_module("self_attn", SelfAttention);
        register_module("post_attention_layernorm", PostAttentionLayerNorm);
        register_module("mlp", Mlp);
    }

    public TorchRmsNorm InputLayerNorm { get; }
    public TorchLlamaAttention SelfAttention { get; }
    public TorchRmsNorm PostAttentionLayerNorm { get; }
    public TorchLlamaMlp Mlp { get; }

    public Tensor Forward(Tensor x, TorchBatch batch, TorchRotaryEmbedding rope, BicoAttentionFormulation formulation)
    {
        using var scope = NewDisposeScope();
        var h = x.add(SelfAttention.Forward(InputLayerNorm.forward(x), batch, rope, formulation));
        return h.add(Mlp.forward(PostAttentionLayerNorm.forward(h))).MoveToOuterDisposeScope();
    }

    public Tensor ForwardCached(Tensor x, Tensor positions, TorchKvCache.Layer cache, TorchKvCache.Writes writes, TorchKvCache.Attend attend, TorchRotaryEmbedding rope)
    {
        using var scope = NewDisposeScope();
        var h = x.add(SelfAttention.ForwardCached(InputLayerNorm.forward(x), positions, cache, writes, attend, rope));
        return h.add(Mlp.forward(PostAttentionLayerNorm.forward(h))).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
    }
}
