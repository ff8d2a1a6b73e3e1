namespace Reversal.Training.TorchSharp.Attention;

/// <summary>How <see cref="PolicyAttention"/> computes attention for the mirrored policies (BICO, prefix-bidirectional) in LibTorch.</summary>
public enum BicoAttentionFormulation
{
    /// <summary>
    /// The reference's form: two score matrices, <c>S = R(m)q · R(n)k</c> and <c>S~ = R(−m)q · R(−n)k</c>, joined as
    /// <c>where(mirrored, S~, S)</c>, masked, soft-maxed and multiplied by v. Materialises <c>[B, H, T, T]</c> three times.
    /// </summary>
    TwoScoreMatrices,

    /// <summary>
    /// One fused <c>scaled_dot_product_attention</c> call over keys rotated both ways: queries <c>[R(m)q | R(−m)q]</c>,
    /// keys <c>[R(n)k | 0]</c> followed by <c>[0 | R(−n)k]</c> (2T keys), values repeated, and a <c>[T, 2T]</c> mask that
    /// shows each query the standard copy of a visible key before it and the mirrored copy of a visible key after it.
    /// Exact: every visible key appears once, scored with the right rotation.
    /// </summary>
    ConcatenatedKeys,
}
