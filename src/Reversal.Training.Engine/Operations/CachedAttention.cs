using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Engine.Kernels;
using Reversal.Training.Engine.Tensors;

namespace Reversal.Training.Engine.Operations;

public static partial class Functional
{
    /// <summary>
    /// Attention of a decoding step's new tokens over a KV cache (inference only, no tape): the new keys and values are
    /// written into their rows of <paramref name="cache"/>, then new token i of row b (cache index
    /// <c>m = CachedLengths[b] + i</c>) attends, through the same tiled kernel as <see cref="ScaledDotProductAttention"/>,
    /// to the row's cached keys the context's policy shows it: <c>o = Σ_n softmax_n(q̃ᵀ k̃_n / √d) v_n</c> with RoPE at
    /// the tokens' position ids. Causal: keys at indices <c>≤ m</c>, standard rotation. PrefixBidirectional (one prefix
    /// length per row, counted in cache indices): a query inside the prefix sees the whole prefix, a later query the keys
    /// up to itself, and a visible key whose position id exceeds the query's uses the sine-negated rotation (the cache
    /// must then keep mirrored keys).
    /// </summary>
    /// <param name="q">New queries, packed row after row, <c>[..., N, H·d]</c> (before RoPE).</param>
    /// <param name="k">New keys <c>[..., N, Hkv·d]</c> (before RoPE).</param>
    /// <param name="v">New values <c>[..., N, Hkv·d]</c>.</param>
    /// <param name="context">Heads and RoPE tables; its position ids must be <see cref="DecodingStep.Positions"/>.</param>
    /// <param name="cache">This layer's cache; rows gain the new keys and values.</param>
    /// <param name="step">The packing of the new tokens and each row's cached length before the step.</param>
    /// <returns>Attention output <c>[..., N, H·d]</c>, packed like <paramref name="q"/>.</returns>
    /// <remarks>Every row is computed exactly as it would be alone (see <see cref="AttentionKernel"/>'s row exactness
    /// and ragged queries), so a batch of rows decodes bit-identically to one row at a time.</remarks>
    /// <exception cref="ArgumentException">Shapes disagree with the context, the step or the cache.</exception>
    internal static Tensor CachedAttention(Tensor q, Tensor k, Tensor v, AttentionContext context, CachedKeyValues cache, DecodingStep step)
    {
        ArgumentNullException.ThrowIfNull(q); ArgumentNullException.ThrowIfNull(k); ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(context); ArgumentNullException.ThrowIfNull(cache); ArgumentNullException.ThrowIfNull(step);
        int heads = context.Heads, kvHeads = context.KvHeads, d = context.HeadDim, tokens = step.TokenCount;
        if (q.Count != tokens * heads * d) throw new ArgumentException($"Cached attention: q must hold {tokens}×{heads}·{d} values, got {Tensor.FormatShape(q.Shape)}.", nameof(q));
        if (k.Count != tokens * kvHeads * d) throw new ArgumentException($"Cached attention: k must hold {tokens}×{kvHeads}·{d} values, got {Tensor.FormatShape(k.Shape)}.", nameof(k));
        if (v.Count != tokens * kvHeads * d) throw new ArgumentException($"Cached attention: v must hold {tokens}×{kvHeads}·{d} values, got {Tensor.FormatShape(v.Shape)}.", nameof(v));
        if (cache.Width != kvHeads * d || cache.BatchSize != step.BatchSize)
            throw new ArgumentException($"Cached attention: the cache holds [{cache.BatchSize}, {cache.Capacity}, {cache.Width}] but the step has {step.BatchSize} rows of width {kvHeads * d}.", nameof(cache));
        if (!ReferenceEquals(context.PositionIds, step.Positions))
            throw new ArgumentException("Cached attention: the context's position ids must be the step's positions.", nameof(context));
        AttentionMaskPolicy policy = context.Policy;
        if (policy.Kind == AttentionKind.Bico)
            throw new ArgumentException("Cached attention: BICO attention sees keys not yet decoded, so it cannot run over a KV cache.", nameof(context));
        if (policy.MirrorsFutureKeys && cache.KeysMirrored is null)
            throw new ArgumentException("Cached attention: a prefix-bidirectional step needs a cache that keeps mirrored keys.", nameof(cache));
        policy.Validate(step.BatchSize, cache.Capacity);
        q = q.Contiguous(); k = k.Contiguous(); v = v.Contiguous();

        cache.Write(k.AsSpan(), v.AsSpan(), step, context.Rope);
        bool mirrors = policy.MirrorsFutureKeys;
        var problem = new AttentionProblem
        {
            Batch = step.BatchSize, QueryLength = Math.Max(1, step.LongestRow), KeyLength = cache.Capacity,
            Heads = heads, KvHeads = kvHeads, HeadDim = d,
            QueryStandard = Rotated(context.Rope, q, step.Positions, heads, negateSine: false),
            KeyStandard = cache.Keys, Value = cache.Values,
            QueryMirrored = mirrors ? Rotated(context.Rope, q, step.Positions, heads, negateSine: true) : null,
            KeyMirrored = mirrors ? cache.KeysMirrored : null,
            QueryPositions = step.Positions, KeyPositions = cache.KeyPositions, Policy = policy,
            QueryStarts = step.RowStarts, QueryCounts = step.NewCounts, QueryOffsets = step.CachedLengths,
        };
        var output = Tensor.Zeros(q.ShapeArray);
        AttentionKernel.Forward(problem, output.Buffer, TensorMemory.Rent(step.BatchSize * heads * problem.QueryLength));
        return output;
    }
}
