using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>
/// A float64 Llama forward written from the architecture, reading the parameters by their Hugging Face names:
/// embedding; per layer RMSNorm → q/k/v projections → RoPE → attention (GQA) → o_proj → residual → RMSNorm →
/// SwiGLU MLP → residual; final RMSNorm; head = <c>lm_head.weight</c> or, when absent, the tied embedding.
/// </summary>
public sealed class ReferenceLlama
{
    private readonly LlamaConfig _config;

    /// <summary>Creates the reference over <paramref name="parameters"/> (read on every call, so they may be perturbed in place).</summary>
    public ReferenceLlama(LlamaConfig config, Dictionary<string, double[]> parameters)
    {
        _config = config;
        Parameters = parameters;
    }

    /// <summary>Parameters by Hugging Face name (row-major float64).</summary>
    public Dictionary<string, double[]> Parameters { get; }

    /// <summary>Widens a state dict to float64 copies.</summary>
    public static Dictionary<string, double[]> Widen(IReadOnlyDictionary<string, Tensor> state) =>
        state.ToDictionary(p => p.Key, p => TestData.ToDouble(p.Value.ToArray()), StringComparer.Ordinal);

    private double[] P(string name) =>
        Parameters.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"Reference Llama: parameter '{name}' not in the state dict.");

    /// <summary>Logits [B·T, V].</summary>
    public double[] Logits(int[] ids, int batch, int length, int[] positions, ReferenceMask mask, bool[]? keyMask = null, int[]? prefixLengths = null)
    {
        var c = _config;
        int dModel = c.HiddenSize, heads = c.NumAttentionHeads, kvHeads = c.NumKeyValueHeads ?? heads, headDim = dModel / heads;
        double eps = c.RmsNormEps;
        var spec = new ReferenceAttentionSpec(batch, length, heads, kvHeads, headDim, mask, positions, keyMask, prefixLengths, c.RopeTheta);

        var h = ReferenceOps.Embedding(P("model.embed_tokens.weight"), ids, dModel);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string pre = $"model.layers.{l}.";
            var a = ReferenceOps.RmsNorm(h, P(pre + "input_layernorm.weight"), eps);
            var q = ReferenceOps.Linear(a, P(pre + "self_attn.q_proj.weight"), dModel, heads * headDim);
            var k = ReferenceOps.Linear(a, P(pre + "self_attn.k_proj.weight"), dModel, kvHeads * headDim);
            var v = ReferenceOps.Linear(a, P(pre + "self_attn.v_proj.weight"), dModel, kvHeads * headDim);
            var attended = ReferenceAttention.Forward(q, k, v, spec);
            h = ReferenceOps.Add(h, ReferenceOps.Linear(attended, P(pre + "self_attn.o_proj.weight"), heads * headDim, dModel));
            var a2 = ReferenceOps.RmsNorm(h, P(pre + "post_attention_layernorm.weight"), eps);
            var gate = ReferenceOps.Linear(a2, P(pre + "mlp.gate_proj.weight"), dModel, c.IntermediateSize);
            var up = ReferenceOps.Linear(a2, P(pre + "mlp.up_proj.weight"), dModel, c.IntermediateSize);
            var down = ReferenceOps.Linear(ReferenceOps.SwiGlu(gate, up), P(pre + "mlp.down_proj.weight"), c.IntermediateSize, dModel);
            h = ReferenceOps.Add(h, down);
        }
        h = ReferenceOps.RmsNorm(h, P("model.norm.weight"), eps);
        var head = Parameters.TryGetValue("lm_head.weight", out var lmHead) ? lmHead : P("model.embed_tokens.weight");
        return ReferenceOps.Linear(h, head, dModel, c.VocabSize);
    }

    /// <summary>Mean cross-entropy over the counted targets (−100 skipped).</summary>
    public double Loss(int[] ids, int batch, int length, int[] positions, int[] targets, ReferenceMask mask, bool[]? keyMask = null, int[]? prefixLengths = null) =>
        ReferenceOps.CrossEntropy(Logits(ids, batch, length, positions, mask, keyMask, prefixLengths), targets, _config.VocabSize);
}
