using Reversal.Training.Attention;
using Reversal.Training.TorchSharp.Batches;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Reversal.Training.TorchSharp.Attention;

/// <summary>
/// Scaled-dot-product attention for every <see cref="AttentionMaskPolicy"/>, with RoPE applied inside (so the BICO
/// rule can pick the rotation per (query, key) pair), differentiable through TorchSharp autograd: the one call a
/// TorchSharp host's attention layer makes to support every objective of this library.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Causal</b>: standard RoPE, LibTorch's fused <c>scaled_dot_product_attention</c> — with <c>is_causal</c> and no
/// mask tensor when the batch is plain (<see cref="TorchBatch.IsPlainCausal"/>), else with the boolean visibility mask
/// (padding, custom positions).</item>
/// <item><b>Bico</b> and <b>PrefixBidirectional</b>: keys at or before the query's position are scored with
/// <c>R(m)q · R(n)k</c>, keys after it with the sine-negated <c>R(−m)q · R(−n)k = qᵀR(m−n)k</c>, so a key d positions
/// ahead scores exactly like a key d positions behind; the scores are joined before the softmax (the reference's
/// <c>triu(flipped, 1) + tril(standard)</c>). See <see cref="BicoAttentionFormulation"/> for the two exact forms.</item>
/// <item>The key mask removes keys (padding, BICO placeholders) for every query; a query left with no visible key
/// outputs zeros (and passes no gradient), never NaN.</item>
/// <item>Grouped-query attention: keys and values with fewer heads are shared by consecutive query heads
/// (Hugging Face's <c>repeat_kv</c>).</item>
/// </list>
/// </remarks>
public static class PolicyAttention
{
    /// <summary>
    /// The formulation used for BICO and prefix-bidirectional batches when none is given: the faster of the two exact
    /// ones on LibTorch 2.10 CPU, as the attention benchmarks measure it (README, performance).
    /// </summary>
    public const BicoAttentionFormulation DefaultFormulation = BicoAttentionFormulation.TwoScoreMatrices;

    /// <summary>
    /// Attention of <paramref name="query"/> <c>[B, H, T, d]</c> over <paramref name="key"/> and <paramref name="value"/>
    /// <c>[B, Hkv, T, d]</c> (all un-rotated; Hkv divides H) under <paramref name="batch"/>'s policy, positions and key
    /// mask. Returns <c>[B, H, T, d]</c>. <paramref name="formulation"/> (default <see cref="DefaultFormulation"/>) only
    /// matters for the mirrored policies; both are exact.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes disagree with each other, the batch or the rotary tables.</exception>
    public static Tensor Forward(Tensor query, Tensor key, Tensor value, TorchBatch batch, TorchRotaryEmbedding rope,
        BicoAttentionFormulation? formulation = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rope);
        Validate(query, key, value, batch, rope);
        using var scope = NewDisposeScope();
        long heads = query.shape[1], kvHeads = key.shape[1];
        var positions = batch.PositionIds;
        var queryStandard = rope.Rotate(query, positions, negateSine: false);
        var keyStandard = RepeatKv(rope.Rotate(key, positions, negateSine: false), heads / kvHeads);
        var values = RepeatKv(value, heads / kvHeads);
        Tensor output;
        if (!batch.Policy.MirrorsFutureKeys)
        {
            output = batch.IsPlainCausal
                ? F.scaled_dot_product_attention(queryStandard, keyStandard, values, is_casual: true)
                : F.scaled_dot_product_attention(queryStandard, keyStandard, values, attn_mask: GuardedVisible(batch));
        }
        else
        {
            var queryMirrored = rope.Rotate(query, positions, negateSine: true);
            var keyMirrored = RepeatKv(rope.Rotate(key, positions, negateSine: true), heads / kvHeads);
            output = (formulation ?? DefaultFormulation) switch
            {
                BicoAttentionFormulation.TwoScoreMatrices => TwoScoreMatrices(queryStandard, keyStandard, queryMirrored, keyMirrored, values, batch),
                _ => ConcatenatedKeys(queryStandard, keyStandard, queryMirrored, keyMirrored, values, batch),
            };
        }
        if (!batch.EveryQueryHasAKey) output = output * batch.Visible!.any(-1, keepdim: true).to(output.dtype);
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor TwoScoreMatrices(Tensor qs, Tensor ks, Tensor qm, Tensor km, Tensor v, TorchBatch batch)
    {
        double scale = 1.0 / Math.Sqrt(qs.shape[^1]);
        var standard = qs.matmul(ks.transpose(-2, -1));
        var mirrored = qm.matmul(km.transpose(-2, -1));
        var scores = where(batch.Mirrored!, mirrored, standard).mul(scale).masked_fill(GuardedVisible(batch).logical_not(), double.NegativeInfinity);
        return scores.softmax(-1).matmul(v);
    }

    private static Tensor ConcatenatedKeys(Tensor qs, Tensor ks, Tensor qm, Tensor km, Tensor v, TorchBatch batch) =>
        ConcatenatedKeys(qs, ks, qm, km, v, GuardedVisible(batch), batch.Mirrored!);

    /// <summary>
    /// Exact mirrored attention in one fused SDPA call: queries <c>[qs, qm]</c> (joined along the head size) over keys
    /// <c>[ks, 0]</c> then <c>[0, km]</c> (joined along the key axis), so a key scores <c>qs·ks</c> where
    /// <paramref name="visible"/> and not <paramref name="mirrored"/>, and <c>qm·km</c> where both. Queries
    /// <c>[B, H, Tq, d]</c>; keys and values <c>[B, H, Tk, d]</c>; masks broadcast to <c>[B, H, Tq, Tk]</c>. Every query
    /// must see at least one key.
    /// </summary>
    internal static Tensor ConcatenatedKeys(Tensor qs, Tensor ks, Tensor qm, Tensor km, Tensor v, Tensor visible, Tensor mirrored)
    {
        // SDPA scales by 1/sqrt(2d) for the doubled head size; the scores must be scaled by 1/sqrt(d).
        var queries = cat([qs, qm], -1).mul(Math.Sqrt(2.0));
        var keys = cat([cat([ks, zeros_like(ks)], -1), cat([zeros_like(km), km], -1)], 2);
        var values = cat([v, v], 2);
        var mask = cat([visible.logical_and(mirrored.logical_not()), visible.logical_and(mirrored)], -1);
        return F.scaled_dot_product_attention(queries, keys, values, attn_mask: mask);
    }

    /// <summary>The visibility mask, with rows that see no key opened to every key (their output is zeroed afterwards) so that no softmax row is empty.</summary>
    private static Tensor GuardedVisible(TorchBatch batch)
    {
        var visible = batch.Visible!;
        return batch.EveryQueryHasAKey ? visible : visible.logical_or(visible.any(-1, keepdim: true).logical_not());
    }

    /// <summary><c>[B, Hkv, T, d]</c> → <c>[B, Hkv·groups, T, d]</c>, each key/value head repeated for its group of query heads.</summary>
    internal static Tensor RepeatKv(Tensor x, long groups) => groups == 1 ? x : x.repeat_interleave(groups, dim: 1);

    private static void Validate(Tensor query, Tensor key, Tensor value, TorchBatch batch, TorchRotaryEmbedding rope)
    {
        static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
        if (query.dim() != 4 || key.dim() != 4 || value.dim() != 4)
            throw new ArgumentException($"Attention takes [B, H, T, d] tensors; got query {Shape(query)}, key {Shape(key)}, value {Shape(value)}.");
        if (!key.shape.SequenceEqual(value.shape))
            throw new ArgumentException($"Key {Shape(key)} and value {Shape(value)} must have the same shape.");
        long b = query.shape[0], h = query.shape[1], t = query.shape[2], d = query.shape[3];
        if (key.shape[0] != b || key.shape[2] != t || key.shape[3] != d || key.shape[1] < 1 || h % key.shape[1] != 0)
            throw new ArgumentException($"Key {Shape(key)} does not fit query {Shape(query)}: it needs the same B, T and d, and a head count dividing {h}.");
        if (b != batch.BatchSize || t != batch.SequenceLength)
            throw new ArgumentException($"Query {Shape(query)} does not fit the batch [{batch.BatchSize}, {batch.SequenceLength}].");
        if (d != rope.HeadDim)
            throw new ArgumentException($"Head size {d} differs from the rotary tables' {rope.HeadDim}.");
    }
}
