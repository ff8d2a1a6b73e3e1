namespace Reversal.Training.Randomness;

/// <summary>
/// A 64-bit FNV-1a hash of text that is the same in every process and on every machine (unlike
/// <see cref="string.GetHashCode()"/>), for deriving a per-item seed from a run seed and an item's text.
/// </summary>
public static class StableHash
{
    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="text"/>, starting from the offset basis mixed with <paramref name="seed"/>.</summary>
    /// <param name="seed">The run seed.</param>
    /// <param name="text">The item's text.</param>
    /// <returns>The derived seed.</returns>
    public static long Combine(long seed, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong hash = 14695981039346656037UL ^ (ulong)seed;
        hash *= 1099511628211UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return unchecked((long)hash);
    }
}
