using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>The decoder stack without the head (Hugging Face's inner <c>LlamaModel</c>, registered as <c>model</c>): <c>embed_tokens</c>, <c>layers.{i}</c>, <c>norm</c>.</summary>
internal sealed class TorchLlamaBackbone : nn.Module
{
    public TorchLlamaBackbone(LlamaConfig config, Device device) : base(nameof(TorchLlamaBackbone))
    {
        EmbedTokens = new TorchEmbedding(config.VocabSize, config.HiddenSize, device);
        Layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new TorchLlamaDecoderLayer(config, device)).ToArray());
        Norm = new TorchRmsNorm(config.HiddenSize, config.RmsNormEps, device);
        register_module("embed_tokens", EmbedTokens);
        register_module("layers", Layers);
        register_module("norm", Norm);
    }

    public TorchEmbedding EmbedTokens { get; }
    public ModuleList<TorchLlamaDecoderLayer> Layers { get; }
    public TorchRmsNorm Norm { get; }

    /// <summary>Hidden states <c>[B, T, D]</c> after the final norm.</summary>
    public Tensor Forward(TorchBatch batch, TorchRotaryEmbedding rope, BicoAttentionFormulation formulation)
    {
        using var scope = NewDisposeScope();
        var x = EmbedTokens.forward(batch.InputIds);
        foreach (var layer in Layers) x = layer.Forward(x, batch, rope, formulation);
        return Norm.forward(x).MoveToOuterDisposeScope();
    }

    public Tensor ForwardCached(Tensor ids, Tensor positions, TorchKvCache cache, TorchKvCache.Writes writes, TorchKvCache.Attend attend, TorchRotaryEmbedding rope)
    {
        using var scope = NewDisposeScope();
        var x = EmbedTokens.forward(ids);
        for (int i = 0; i < Layers.Count; i++) x = Layers[i].ForwardCached(x, positions, cache.Layers[i], writes, attend, rope);
        return Norm.forward(x).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
    }
}
