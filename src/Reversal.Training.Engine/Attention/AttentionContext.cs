using Reversal.Training.Attention;
namespace Reversal.Training.Engine.Attention;

/// <summary>
/// Everything an attention call needs besides q, k and v: head counts, the RoPE tables, the mask policy, the
/// position id of every token and the key mask.
/// </summary>
public sealed class AttentionContext
{
    /// <summary>Creates a context for a batch of <c>positionIds.Length / T</c> rows.</summary>
    /// <param name="heads">Query heads H.</param>
    /// <param name="kvHeads">Key/value heads (divides <paramref name="heads"/>; equal for multi-head, fewer for grouped-query attention).</param>
    /// <param name="rope">Rotary tables (their head size is the head size).</param>
    /// <param name="policy">Mask and RoPE variant per (query, key) pair.</param>
    /// <param name="positionIds">Position id per token, <c>[B·T]</c> row-major.</param>
    /// <param name="keyMask">Per token <c>[B·T]</c>: false removes it as a key for every query (padding, placeholders); null keeps all.</param>
    /// <exception cref="ArgumentException">Head counts are inconsistent or the mask and positions differ in length.</exception>
    public AttentionContext(int heads, int kvHeads, RotaryEmbedding rope, AttentionMaskPolicy policy, int[] positionIds, bool[]? keyMask)
    {
        ArgumentNullException.ThrowIfNull(rope);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(positionIds);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new ArgumentException($"Attention needs kvHeads dividing heads, got heads={heads}, kvHeads={kvHeads}.");
        if (keyMask is not null && keyMask.Length != positionIds.Length)
            throw new ArgumentException($"Key mask has {keyMask.Length} entries but there are {positionIds.Length} position ids.", nameof(keyMask));
        Heads = heads; KvHeads = kvHeads; Rope = rope; Policy = policy; PositionIds = positionIds; KeyMask = keyMask;
    }

    /// <summary>Query heads.</summary>
    public int Heads { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Head size.</summary>
    public int HeadDim => Rope.HeadDim;

    /// <summary>RoPE tables.</summary>
    public RotaryEmbedding Rope { get; }

    /// <summary>Mask and RoPE variant policy.</summary>
    public AttentionMaskPolicy Policy { get; }

    /// <summary>Position id per token, <c>[B·T]</c>.</summary>
    public int[] PositionIds { get; }

    /// <summary>Key visibility per token, <c>[B·T]</c>, or null.</summary>
    public bool[]? KeyMask { get; }
}
