using Reversal.Training.Models;
using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.NN;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// The decoder stack without the output head (Hugging Face's inner <c>LlamaModel</c>, registered as <c>model</c>):
/// <c>embed_tokens</c>, <c>layers.{i}</c>, <c>norm</c>.
/// </summary>
public sealed class LlamaBackbone : Module
{
    /// <summary>Creates the stack from the config.</summary>
    public LlamaBackbone(LlamaConfig config, SeededRandom? random)
    {
        EmbedTokens = RegisterModule("embed_tokens", new Embedding(config.VocabSize, config.HiddenSize, random, config.InitializerRange));
        var layers = new LlamaDecoderLayer[config.NumHiddenLayers];
        var list = RegisterModule("layers", new ModuleList());
        for (int i = 0; i < layers.Length; i++) layers[i] = list.Add(new LlamaDecoderLayer(config, random));
        Layers = layers;
        Norm = RegisterModule("norm", new RmsNorm(config.HiddenSize, config.RmsNormEps));
    }

    /// <summary>Token embeddings <c>[V, D]</c>.</summary>
    public Embedding EmbedTokens { get; }

    /// <summary>Decoder layers.</summary>
    public IReadOnlyList<LlamaDecoderLayer> Layers { get; }

    /// <summary>Final RMSNorm.</summary>
    public RmsNorm Norm { get; }

    /// <summary>Hidden states <c>[B, T, D]</c> after the final norm.</summary>
    public Tensor Forward(ReadOnlySpan<int> inputIds, int batchSize, int length, AttentionContext context)
    {
        var x = EmbedTokens.Forward(inputIds, batchSize, length);
        foreach (var layer in Layers) x = layer.Forward(x, context);
        return Norm.Forward(x);
    }

    /// <summary>Hidden states <c>[1, N, D]</c> of a decoding step's packed new tokens <paramref name="inputIds"/>
    /// <c>[N]</c>; every layer appends their keys and values to <paramref name="cache"/>.</summary>
    internal Tensor ForwardCached(ReadOnlySpan<int> inputIds, KvCache cache, DecodingStep step, AttentionContext context, PackedWeights? packs)
    {
        var x = EmbedTokens.Forward(inputIds, 1, inputIds.Length);
        for (int i = 0; i < Layers.Count; i++) x = Layers[i].ForwardCached(x, cache[i], step, context, packs);
        return Norm.Forward(x);
    }
}
