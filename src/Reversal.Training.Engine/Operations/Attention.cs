using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Runtime;
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
        var rope = context.Rope;
        var (queryStandard, queryMirrored) = RotatedBoth(rope, q, positions, heads, mirrors);
        var (keyStandard, keyMirrored) = RotatedBoth(rope, k, positions, kvHeads, mirrors);
        var problem = new AttentionProblem
        {
            Batch = batch, QueryLength = length, KeyLength = length, Heads = heads, KvHeads = kvHeads, HeadDim = d,
            QueryStandard = queryStandard, KeyStandard = keyStandard, QueryMirrored = queryMirrored, KeyMirrored = keyMirrored,
            Value = v.Offset == 0 ? v.Buffer : Copy(v),
            QueryPositions = positions, KeyPositions = positions, KeyMask = context.KeyMask, Policy = context.Policy,
        };
        // The kernel writes every output row (rows with no visible key are cleared), so the output starts uninitialised.
        var output = Tensor.Uninitialized(batch, length, heads * d);
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
            if (q.RequiresGrad) AddUnrotated(rope, q, dQs, dQm, positions, heads);
            if (k.RequiresGrad) AddUnrotated(rope, k, dKs, dKm, positions, kvHeads);
        });
    }

    private static float[] Copy(Tensor x)
    {
        var copy = TensorMemory.Rent(x.Count);
        x.CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// <paramref name="x"/> <c>[tokens, heads·d]</c> (contiguous) rotated by each token's position into a rented buffer, in
    /// parallel blocks of tokens.
    /// </summary>
    internal static float[] Rotated(RotaryEmbedding rope, Tensor x, int[] positions, int heads, bool negateSine)
    {
        var result = TensorMemory.Rent(x.Count);
        float[] source = x.Buffer; int offset = x.Offset, width = heads * rope.HeadDim;
        ElementBlocks.ForRows(positions.Length, width, (_, first, rows) =>
            rope.RotateAll(source.AsSpan(offset + first * width, rows * width), result.AsSpan(first * width, rows * width),
                positions.AsSpan(first, rows), heads, negateSine));
        return result;
    }

    /// <summary>
    /// <paramref name="x"/> rotated by each token's position, and when <paramref name="mirrors"/> also with the sine
    /// negated, in one pass over parallel blocks of tokens (<see cref="RotaryEmbedding.RotateAllBothWays"/>).
    /// </summary>
    private static (float[] Standard, float[]? Mirrored) RotatedBoth(RotaryEmbedding rope, Tensor x, int[] positions, int heads, bool mirrors)
    {
        if (!mirrors) return (Rotated(rope, x, positions, heads, negateSine: false), null);
        float[] standard = TensorMemory.Rent(x.Count), mirrored = TensorMemory.Rent(x.Count);
        float[] source = x.Buffer; int offset = x.Offset, width = heads * rope.HeadDim;
        ElementBlocks.ForRows(positions.Length, width, (_, first, rows) =>
        {
            int start = first * width, count = rows * width;
            rope.RotateAllBothWays(source.AsSpan(offset + start, count), standard.AsSpan(start, count), mirrored.AsSpan(start, count),
                positions.AsSpan(first, rows), heads);
        });
        return (standard, mirrored);
    }

    /// <summary>
    /// Adds the gradient of the rotated <paramref name="input"/> back through the rotations, in parallel blocks of tokens:
    /// <c>R(p)ᵀ = R(−p)</c>, so the standard part is rotated with the sine negated and the mirrored part with it restored,
    /// both in one pass (<see cref="RotaryEmbedding.AddUnrotatedBothWays"/>). A gradient created here is written directly
    /// (no zero fill, no add).
    /// </summary>
    private static void AddUnrotated(RotaryEmbedding rope, Tensor input, float[] standard, float[]? mirrored, int[] positions, int heads)
    {
        var grad = Tape.GradTensorToWrite(input, out bool created);
        float[] g = grad.Buffer; int go = grad.Offset, width = heads * rope.HeadDim;
        ElementBlocks.ForRows(positions.Length, width, (_, first, rows) =>
        {
            int start = first * width, count = rows * width;
            rope.AddUnrotatedBothWays(standard.AsSpan(start, count), mirrored is null ? default : mirrored.AsSpan(start, count),
                g.AsSpan(go + start, count), positions.AsSpan(first, rows), heads, overwrite: created);
        });
    }
}
