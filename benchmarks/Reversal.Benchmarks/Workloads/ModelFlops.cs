using Reversal.Training.Models;

namespace Reversal.Benchmarks.Workloads;

/// <summary>
/// Model FLOPs of one training step (forward + backward) of a Llama model, as model-FLOP utilisation (MFU) counts
/// them: the matrix products the model needs, whatever the engine actually does (recomputation, e.g. our attention
/// backward's, is not counted; elementwise work is not counted).
/// </summary>
/// <remarks>
/// <para><b>Weights</b>: <c>6 · N · tokens</c> (2 flops per multiply-add, forward once and backward twice: input and
/// weight gradients), where N = <see cref="MatmulParameters"/>, the parameters that multiply activations: per layer
/// q and o (d·d each), k and v (d·kvHeads·hd each) and the SwiGLU MLP (3·d·ffn), plus the output head (d·V). The input
/// embedding is a lookup and the RMSNorm weights are elementwise, so neither counts (a tied head counts once, as the head).</para>
/// <para><b>Attention</b>: per layer, QKᵀ and PV are each <c>2·B·H·T·T·hd</c> forward; a causal mask needs half of
/// the T×T pairs, a bidirectional one (BICO) all of them; forward + backward is 3 times the forward.</para>
/// <para>Hand count, Tiny (d128, 4 layers, 4 heads of 32, ffn 352, vocab 1024), B32, T64, causal: N = 4·(4·128² +
/// 3·128·352) + 128·1024 = 4·200,704 + 131,072 = 933,888; weights 6·933,888·2,048 = 11,475,615,744; attention
/// 4 layers · 3 · (2·2·32·4·64·64·32 / 2) = 402,653,184; step total 11,878,268,928 FLOPs.</para>
/// </remarks>
public static class ModelFlops
{
    /// <summary>Parameters that multiply activations: attention and MLP projections of every layer plus the output head.</summary>
    public static long MatmulParameters(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.HiddenSize, keyValueWidth = (long)config.KeyValueHeads * config.HeadDim;
        long perLayer = 2 * d * d + 2 * d * keyValueWidth + 3 * d * config.IntermediateSize;
        return config.NumHiddenLayers * perLayer + d * config.VocabSize;
    }

    /// <summary>Attention FLOPs (QKᵀ and PV) of forward + backward over <paramref name="batch"/> rows of <paramref name="length"/> tokens.</summary>
    /// <param name="config">The model.</param>
    /// <param name="batch">Rows B.</param>
    /// <param name="length">Tokens per row T.</param>
    /// <param name="causal">True when each query sees only the keys up to itself (half the T×T pairs).</param>
    public static double Attention(LlamaConfig config, int batch, int length, bool causal)
    {
        ArgumentNullException.ThrowIfNull(config);
        double forward = 2.0 * 2.0 * batch * config.NumAttentionHeads * length * (double)length * config.HeadDim;
        if (causal) forward /= 2;
        return config.NumHiddenLayers * 3 * forward;
    }

    /// <summary>Model FLOPs of one training step: weights <c>6·N·B·T</c> plus <see cref="Attention"/>.</summary>
    /// <param name="config">The model.</param>
    /// <param name="batch">Rows B.</param>
    /// <param name="length">Tokens per row T (the model's input length).</param>
    /// <param name="causal">True for causal attention, false for bidirectional (BICO).</param>
    public static double TrainStep(LlamaConfig config, int batch, int length, bool causal) =>
        6.0 * MatmulParameters(config) * batch * length + Attention(config, batch, length, causal);
}
