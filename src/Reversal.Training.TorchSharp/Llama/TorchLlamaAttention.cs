using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Layers;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>Llama self-attention (<c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>o_proj</c>) with grouped-query heads, attending through <see cref="PolicyAttention"/>.</summary>
internal sealed class TorchLlamaAttention : nn.Module
{
    private readonly long _heads, _kvHeads, _headDim;

    public TorchLlamaAttention(LlamaConfig config, Device device) : base(nameof(TorchLlamaAttention))
    {
        _heads = config.NumAttentionHeads; _kvHeads = config.KeyValueHeads; _headDim = config.HeadDim;
        long width = config.HiddenSize;
        QProj = new TorchLinear(width, _heads * _headDim, device);
        KProj = new TorchLinear(width, _kvHeads * _headDim, device);
        VProj = new TorchLinear(width, _kvHeads * _headDim, device);
        OProj = new TorchLinear(_heads * _headDim, width, device);
        register_module("q_proj", QProj);
        register_module("k_proj", KProj);
        register_module("v_proj", VProj);
        register_module("o_proj", OProj);
    }

    public TorchLinear QProj { get; }
    public TorchLinear KProj { get; }
    public TorchLinear VProj { get; }
    public TorchLinear OProj { get; }

    /// <summary><c>[B, T, D]</c> → <c>[B, T, D]</c> under the batch's policy, positions and key mask.</summary>
    public Tensor Forward(Tensor x, TorchBatch batch, TorchRotaryEmbedding rope, BicoAttentionFormulation formulation)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = QProj.forward(x).view(b, t, _heads, _headDim).transpose(1, 2);
        var k = KProj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        var v = VProj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        var attended = PolicyAttention.Forward(q, k, v, batch, rope, formulation);
        return OProj.forward(attended.transpose(1, 2).reshape(b, t, _heads * _headDim)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Incremental attention for decoding: the new tokens <paramref name="x"/> <c>[B, n, D]</c> at
    /// <paramref name="positions"/> <c>[B, n]</c> are written (rotated keys, values, and the mirrored keys when the
    /// cache keeps them) into <paramref name="cache"/> at the kept slots, and attend over the cache as
    /// <paramref name="attend"/> says: standard RoPE for every visible slot, or the sine-negated rotation of query and
    /// key for the slots it marks mirrored.
    /// </summary>
    public Tensor ForwardCached(Tensor x, Tensor positions, TorchKvCache.Layer cache, TorchKvCache.Writes writes, TorchKvCache.Attend attend, TorchRotaryEmbedding rope)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], groups = _heads / _kvHeads;
        var rawQ = QProj.forward(x).view(b, n, _heads, _headDim).transpose(1, 2);
        var rawK = KProj.forward(x).view(b, n, _kvHeads, _headDim).transpose(1, 2);
        var v = VProj.forward(x).view(b, n, _kvHeads, _headDim).transpose(1, 2);
        var q = rope.Rotate(rawQ, positions, negateSine: false);
        var k = rope.Rotate(rawK, positions, negateSine: false);
        bool mirrors = cache.KeysMirrored is not null;
        cache.Write(k, v, mirrors ? rope.Rotate(rawK, positions, negateSine: true) : null, writes);
        var keys = PolicyAttention.RepeatKv(cache.Keys, groups);
        var values = PolicyAttention.RepeatKv(cache.Values, groups);
        var attended = mirrors
            ? PolicyAttention.ConcatenatedKeys(q, keys, rope.Rotate(rawQ, positions, negateSine: true), PolicyAttention.RepeatKv(cache.KeysMirrored!, groups),
                values, attend.Visible, attend.Mirrored ?? throw new ArgumentException("A cache that keeps mirrored keys needs the mirrored mask.", nameof(attend)))
            : F.scaled_dot_product_attention(q, keys, values, attn_mask: attend.Visible);
        return OProj.forward(attended.transpose(1, 2).reshape(b, n, _heads * _headDim)).MoveToOuterDisposeScope();
    }

    protected override void RegisterComponents()
    {
    }
}
