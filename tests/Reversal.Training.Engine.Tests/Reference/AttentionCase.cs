using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;

namespace Reversal.Training.Engine.Tests.Reference;

/// <summary>
/// One attention configuration, expressed both for the engine (AttentionContext) and for the float64 reference
/// (ReferenceAttentionSpec): B = 2, H = 4 query heads over Hkv = 2 kv heads (GQA) of size d = 4, custom position ids
/// and a key mask that removes some keys.
/// </summary>
public sealed class AttentionCase
{
    public const int Batch = 2, Heads = 4, KvHeads = 2, HeadDim = 4;

    // Row 1's position ids are out of order and repeat one id (as GLM Part B or BICO-style batches can).
    private static readonly int[] Row1Positions = [3, 0, 1, 1, 6, 4, 2, 9, 8];

    private AttentionCase(ReferenceMask mask, int length, int[] positions, bool[]? keyMask, int[] prefixLengths)
    {
        Mask = mask; Length = length; Positions = positions; KeyMask = keyMask; PrefixLengths = prefixLengths;
        Rope = new RotaryEmbedding(HeadDim, 32);
        Policy = mask switch
        {
            ReferenceMask.Causal => AttentionMaskPolicy.Causal,
            ReferenceMask.Bico => AttentionMaskPolicy.Bico,
            _ => AttentionMaskPolicy.PrefixBidirectional(prefixLengths),
        };
    }

    public ReferenceMask Mask { get; }
    public int Length { get; }
    public int[] Positions { get; }
    public bool[]? KeyMask { get; }
    public int[] PrefixLengths { get; }
    public RotaryEmbedding Rope { get; }
    public AttentionMaskPolicy Policy { get; }

    public int QueryWidth => Heads * HeadDim;
    public int KeyWidth => KvHeads * HeadDim;

    public AttentionContext Context(int heads = Heads, int kvHeads = KvHeads, bool[]? keyMask = null, AttentionMaskPolicy? policy = null) =>
        new(heads, kvHeads, Rope, policy ?? Policy, Positions, keyMask ?? KeyMask);

    public ReferenceAttentionSpec Spec(int heads = Heads, int kvHeads = KvHeads) =>
        new(Batch, Length, heads, kvHeads, HeadDim, Mask, Positions, KeyMask, PrefixLengths);

    /// <summary>
    /// Row 0: positions 2..T+1, key 1 masked. Row 1: out-of-order positions, keys 0 and T−2 masked (so under the causal
    /// pattern its first query sees no key at all). Prefix lengths min(3, T) and min(2, T).
    /// </summary>
    public static AttentionCase Create(ReferenceMask mask, int length, bool withKeyMask = true, bool monotonicPositions = false)
    {
        var positions = new int[Batch * length];
        for (int t = 0; t < length; t++)
        {
            positions[t] = t + 2;
            positions[length + t] = monotonicPositions ? t + 5 : Row1Positions[t];
        }
        bool[]? keyMask = null;
        if (withKeyMask)
        {
            keyMask = Enumerable.Repeat(true, Batch * length).ToArray();
            if (length > 1) keyMask[1] = false;
            keyMask[length] = false;
            if (length >= 3) keyMask[length + length - 2] = false;
        }
        return new AttentionCase(mask, length, positions, keyMask, [Math.Min(3, length), Math.Min(2, length)]);
    }
}
