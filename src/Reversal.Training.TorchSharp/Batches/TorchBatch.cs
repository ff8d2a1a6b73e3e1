using Reversal.Training.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Batches;

/// <summary>
/// An <see cref="Objectives.ObjectiveBatch"/> (or a <see cref="Models.ModelInput"/>) as TorchSharp tensors on one
/// device: int64 ids, positions and targets, the key mask, and the attention masks its
/// <see cref="AttentionMaskPolicy"/> implies. Create it with <c>batch.ToTorch(device)</c>; dispose it after the step.
/// </summary>
/// <remarks>
/// <para><b>Targets are already shifted</b>: output position i is scored against <c>Targets[b, i]</c>, so the loss is
/// <c>cross_entropy(logits.view(-1, V), Targets.view(-1), ignore_index: -100)</c> with no further shift.</para>
/// <para>Masks are <c>[B, 1, T, T]</c> booleans (query × key), broadcast over heads: <see cref="Visible"/> is true where
/// the key may be attended to (the policy's pattern and the key mask together); <see cref="Mirrored"/> is true where
/// the pair is scored with the sine-negated rotation (key position id greater than the query's; BICO and
/// prefix-bidirectional only).</para>
/// </remarks>
public sealed class TorchBatch : IDisposable
{
    internal TorchBatch(Tensor inputIds, Tensor positionIds, Tensor? targets, Tensor keyMask, AttentionMaskPolicy policy,
        bool isPlainCausal, bool everyQueryHasAKey, Device device)
    {
        InputIds = inputIds; PositionIds = positionIds; Targets = targets; KeyMask = keyMask; Policy = policy;
        IsPlainCausal = isPlainCausal; EveryQueryHasAKey = everyQueryHasAKey; Device = device;
        BatchSize = inputIds.shape[0];
        SequenceLength = inputIds.shape[1];
        if (!isPlainCausal) (Visible, Mirrored) = BuildMasks();
    }

    /// <summary>Rows B.</summary>
    public long BatchSize { get; }

    /// <summary>Tokens per row T.</summary>
    public long SequenceLength { get; }

    /// <summary>The device every tensor lives on.</summary>
    public Device Device { get; }

    /// <summary>Token ids <c>[B, T]</c>, int64.</summary>
    public Tensor InputIds { get; }

    /// <summary>RoPE position ids <c>[B, T]</c>, int64.</summary>
    public Tensor PositionIds { get; }

    /// <summary>Targets <c>[B, T]</c>, int64, −100 where no loss is taken (already aligned with outputs); null for a plain model input.</summary>
    public Tensor? Targets { get; }

    /// <summary>Key visibility <c>[B, T]</c>, bool: false removes the token as a key for every query (padding, BICO placeholders).</summary>
    public Tensor KeyMask { get; }

    /// <summary>The attention policy the masks come from.</summary>
    public AttentionMaskPolicy Policy { get; }

    /// <summary>
    /// True for a causal batch whose positions are <c>0..T−1</c> in every row and whose keys are all visible: attention
    /// then takes LibTorch's fused causal <c>scaled_dot_product_attention</c> with no mask tensor at all, and
    /// <see cref="Visible"/> is null.
    /// </summary>
    public bool IsPlainCausal { get; }

    /// <summary>False when some query sees no key at all (e.g. a row of padding); attention then outputs zeros there.</summary>
    public bool EveryQueryHasAKey { get; }

    /// <summary><c>[B, 1, T, T]</c> bool: the key is visible to the query (policy and key mask); null when <see cref="IsPlainCausal"/>.</summary>
    public Tensor? Visible { get; }

    /// <summary><c>[B, 1, T, T]</c> bool: the pair uses the sine-negated rotation; null for causal batches.</summary>
    public Tensor? Mirrored { get; }

    private (Tensor Visible, Tensor? Mirrored) BuildMasks()
    {
        using var scope = NewDisposeScope();
        long t = SequenceLength;
        var query = arange(t, device: Device).view(1, t, 1);
        var key = arange(t, device: Device).view(1, 1, t);
        Tensor pattern = Policy.Kind switch
        {
            AttentionKind.Causal => key.le(query).expand(BatchSize, t, t),
            AttentionKind.Bico => ones(BatchSize, t, t, ScalarType.Bool, Device),
            _ => PrefixPattern(query, key),
        };
        var visible = pattern.logical_and(KeyMask.view(BatchSize, 1, t)).unsqueeze(1);
        Tensor? mirrored = Policy.MirrorsFutureKeys
            ? PositionIds.view(BatchSize, 1, t).gt(PositionIds.view(BatchSize, t, 1)).unsqueeze(1)
            : null;
        return (visible.MoveToOuterDisposeScope(), mirrored?.MoveToOuterDisposeScope());
    }

    private Tensor PrefixPattern(Tensor query, Tensor key)
    {
        var prefix = torch.tensor(Policy.PrefixLengths.Select(p => (long)p).ToArray(), device: Device).view(BatchSize, 1, 1);
        var queryInPrefix = query.lt(prefix);
        return where(queryInPrefix, key.lt(prefix), key.le(query));
    }

    /// <summary>Disposes every tensor of the batch.</summary>
    public void Dispose()
    {
        InputIds.Dispose(); PositionIds.Dispose(); Targets?.Dispose(); KeyMask.Dispose();
        Visible?.Dispose(); Mirrored?.Dispose();
    }
}
