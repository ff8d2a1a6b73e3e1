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
    /// Incremental causal forward for decoding (no grad): appends the new tokens' rotated keys and values to
    /// <paramref name="cache"/> and attends over everything cached. <paramref name="x"/> is <c>[1, Tnew, D]</c>.
    /// </summary>
    internal Tensor ForwardCached(Tensor x, KvCache.Layer cache, RotaryEmbedding rope, int startPosition)
    {
        int fresh = x.Size(1), d = _config.HeadDim, heads = _config.NumAttentionHeads, kvHeads = _config.KeyValueHeads;
        var q = QProj.Forward(x).AsSpan();
        var k = KProj.Forward(x).AsSpan();
        var v = VProj.Forward(x).AsSpan();
        var positions = new int[fresh];
        for (int t = 0; t < fresh; t++) positions[t] = startPosition + t;
        var qRot = new float[q.Length];
        rope.RotateAll(q, qRot, positions, heads, negateSine: false);
        cache.Append(k, v, positions, rope);
        int total = cache.Length;
        var keyPositions = new int[total];
        for (int t = 0; t < total; t++) keyPositions[t] = t;
        var problem = new Kernels.AttentionProblem
        {
            Batch = 1, QueryLength = fresh, KeyLength = total, Heads = heads, KvHeads = kvHeads, HeadDim = d,
            QueryOffset = total - fresh, QueryStandard = qRot, KeyStandard = cache.Keys, Value = cache.Values,
            QueryPositions = positions, KeyPositions = keyPositions, Policy = AttentionMaskPolicy.Causal,
        };
        var output = Tensor.Zeros(1, fresh, heads * d);
        Kernels.AttentionKernel.Forward(problem, output.Buffer, new float[heads * fresh]);
        return OProj.Forward(output);
    }
}
