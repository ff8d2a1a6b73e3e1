using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Multi-head (optionally grouped-query) scaled-dot-product attention with rotary positions applied inside, as the
    /// <see cref="AttentionMaskPolicy"/> dictates: <c>o_m = Σ_n softmax_n(s_mn) v_n</c>, <c>s_mn = q̃_mᵀ k̃_n / √d</c>,
    /// where q̃, k̃ are RoPE-rotated by position id (standard rotation, or sine-negated for mirrored pairs) and only
    /// visible, unmasked keys take part.
    /// </summary>
    /// <param name="q">Queries <c>[B, T, H·d]</c> (before RoPE), as the q projection produces them.</param>
    /// <param name="k">Keys <c>[B, T, Hkv·d]</c> (before RoPE).</param>
    /// <param name="v">Values <c>[B, T, Hkv·d]</c>.</param>
    /// <param name="context">Heads, RoPE tables, policy, position ids <c>[B·T]</c> and key mask.</param>
    /// <returns>Attention output <c>[B, T, H·d]</c> (heads concatenated), ready for the output projection.</returns>
    /// <exception cref="ArgumentException">Shapes disagree with the context, or a position id is outside the RoPE table.</exception>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, AttentionContext context)
    {
        ArgumentNullException.ThrowIfNull(q); ArgumentNullException.ThrowIfNull(k); ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(context);
        int heads = context.Heads, kvHeads = context.KvHeads, d = context.HeadDim;
        if (q.Rank != 3 || q.Size(2) != heads * d)
            throw new ArgumentException($"Attention: q must be [B, T, {heads}·{d}], got {Tensor.FormatShape(q.Shape)}.", nameof(q));
        int batch = q.Size(0), length = q.Size(1);
        if (!k.HasShape(batch, length, kvHeads * d)) throw new ArgumentException($"Attention: k must be [{batch}, {length}, {kvHeads * d}], got {Tensor.FormatShape(k.Shape)}.", nameof(k));
        if (!v.HasShape(batch, length, kvHeads * d)) throw new ArgumentException($"Attention: v must be [{batch}, {length}, {kvHeads * d}], got {Tensor.FormatShape(v.Shape)}.", nameof(v));
        if (context.PositionIds.Length != batch * length)
            throw new ArgumentException($"Attention: {context.PositionIds.Length} position ids for a [{batch}, {length}] batch.", nameof(context));
        foreach (int pos in context.PositionIds)
            if ((uint)pos >= (uint)context.Rope.MaxPositions)
                throw new ArgumentException($"Attention: position id {pos} is outside the RoPE table [0, {context.Rope.MaxPositions}) (sequence longer than the model's context?).", nameof(context));
        context.Policy.Validate(batch, length);
        q = q.Contiguous(); k = k.Contiguous(); v = v.Contiguous();

        var positions = context.PositionIds;
        bool mirrors = context.Policy.MirrorsFutureKeys;
        var problem = new AttentionProblem
        {
            Batch = batch, QueryLength = length, KeyLength = length, Heads = heads, KvHeads = kvHeads, HeadDim = d,
            QueryStandard = Rotated(context.Rope, q, positions, heads, negateSine: false),
            KeyStandard = Rotated(context.Rope, k, positions, kvHeads, negateSine: false),
            QueryMirrored = mirrors ? Rotated(context.Rope, q, positions, heads, negateSine: true) : null,
            KeyMirrored = mirrors ? Rotated(context.Rope, k, positions, kvHeads, negateSine: true) : null,
            Value = v.Offset == 0 ? v.Buffer : Copy(v),
            QueryPositions = positions, KeyPositions = positions, KeyMask = context.KeyMask, Policy = context.Policy,
        };
        var output = Tensor.Zeros(batch, length, heads * d);
        var logSumExp = TensorMemory.Rent(batch * heads * length);
        AttentionKernel.Forward(problem, output.Buffer, logSumExp);

        return Tape.Record(output, "ScaledDotProductAttention", [q, k, v], grad =>
        {
            var dQs = TensorMemory.Allocate(q.Count); var dKs = TensorMemory.Allocate(k.Count);
            float[]? dQm = mirrors ? TensorMemory.Allocate(q.Count) : null, dKm = mirrors ? TensorMemory.Allocate(k.Count) : null;
            // dV accumulates straight into v's gradient buffer (contiguous, offset 0).
            var dV = v.RequiresGrad ? Tape.GradTensor(v).Buffer : TensorMemory.Allocate(v.Count);
            AttentionKernel.Backward(problem, output.Buffer, logSumExp, grad.Offset == 0 ? grad.Buffer : Copy(grad), dQs, dQm, dKs, dKm, dV);
            // Undo the rotations: R(p)ᵀ = R(−p), so the standard part is rotated back with the sine negated and the mirrored part with it restored.
            if (q.RequiresGrad) AddUnrotated(context.Rope, Tape.GradSpan(q), dQs, dQm, positions, heads);
            if (k.RequiresGrad) AddUnrotated(context.Rope, Tape.GradSpan(k), dKs, dKm, positions, kvHeads);
        });
    }

    private static float[] Copy(Tensor x)
    {
        var copy = TensorMemory.Rent(x.Count);
        x.CopyTo(copy);
        return copy;
    }

    private static float[] Rotated(RotaryEmbedding rope, Tensor x, int[] positions, int heads, bool negateSine)
    {
        var result = TensorMemory.Rent(x.Count);
        rope.RotateAll(x.AsSpan(), result.AsSpan(0, x.Count), positions, heads, negateSine);
        return result;
    }

    private static void AddUnrotated(RotaryEmbedding rope, Span<float> destination, float[] standard, float[]? mirrored, int[] positions, int heads)
    {
        var scratch = TensorMemory.Rent(destination.Length);
        int n = destination.Length;
        rope.RotateAll(standard.AsSpan(0, n), scratch.AsSpan(0, n), positions, heads, negateSine: true);
        TensorMath.AddInto(destination, scratch.AsSpan(0, n));
        if (mirrored is null) return;
        rope.RotateAll(mirrored.AsSpan(0, n), scratch.AsSpan(0, n), positions, heads, negateSine: false);
        TensorMath.AddInto(destination, scratch.AsSpan(0, n));
    }
}
