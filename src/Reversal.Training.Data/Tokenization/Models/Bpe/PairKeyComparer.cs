namespace Reversal.Training.Data.Tokenization.Models.Bpe;

/// <summary>
/// Equality for (left id, right id) pairs packed in a <see cref="long"/> as <c>left &lt;&lt; 32 | right</c>. The
/// default <see cref="long.GetHashCode"/> XORs the halves, so (a, b) and (b, a) and every pair with the same XOR
/// collide, which makes merge tables of 100,000+ pairs slow; this comparer mixes all bits (Fibonacci hashing).
/// </summary>
internal sealed class PairKeyComparer : IEqualityComparer<long>
{
    /// <summary>The shared instance.</summary>
    public static PairKeyComparer Instance { get; } = new();

    /// <summary>Packs a pair.</summary>
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <inheritdoc />
    public bool Equals(long x, long y) => x == y;

    /// <inheritdoc />
    public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
}
