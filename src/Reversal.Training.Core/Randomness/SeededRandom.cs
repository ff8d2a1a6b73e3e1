using System.Numerics;

namespace Reversal.Training.Randomness;

/// <summary>
/// A small, fast, seedable pseudo-random generator (xoshiro256** seeded through SplitMix64) whose complete state
/// can be read and restored, so a training run can be checkpointed and resumed bit-identically.
/// </summary>
/// <remarks>Not thread-safe: give every consumer its own instance (see <see cref="Fork"/>).</remarks>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public SeededRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private SeededRandom(ulong s0, ulong s1, ulong s2, ulong s3, double? spare)
    {
        _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3; _spareGaussian = spare;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, 0);
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>A standard normal sample (Box-Muller, both values used).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare) { _spareGaussian = null; return spare; }
        double u1;
        do { u1 = NextDouble(); } while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        _spareGaussian = radius * Math.Sin(angle);
        return radius * Math.Cos(angle);
    }

    /// <summary>A Poisson(<paramref name="lambda"/>) sample (Knuth's multiplication method; intended for small lambda).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not positive or exceeds 30.</exception>
    public int NextPoisson(double lambda)
    {
        if (!(lambda > 0 && lambda <= 30)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be in (0, 30].");
        double limit = Math.Exp(-lambda), product = NextDouble();
        int k = 0;
        while (product > limit) { k++; product *= NextDouble(); }
        return k;
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniformly chosen element of <paramref name="items"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public T Pick<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("Cannot pick from an empty list.", nameof(items));
        return items[NextInt(items.Count)];
    }

    /// <summary><paramref name="count"/> distinct indices of [0, <paramref name="size"/>), in ascending order (partial Fisher-Yates).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or exceeds <paramref name="size"/>.</exception>
    public int[] SampleIndices(int size, int count)
    {
        if (count < 0 || count > size) throw new ArgumentOutOfRangeException(nameof(count), count, $"Cannot sample {count} distinct indices from {size}.");
        var all = new int[size];
        for (int i = 0; i < size; i++) all[i] = i;
        for (int i = 0; i < count; i++)
        {
            int j = i + NextInt(size - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all[..count];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>A new, independent generator whose seed is drawn from this one.</summary>
    public SeededRandom Fork() => new(unchecked((long)NextUInt64()));

    /// <summary>The complete state, for checkpoints: restore it with <see cref="FromState"/>.</summary>
    public SeededRandomState GetState() => new(_s0, _s1, _s2, _s3, _spareGaussian);

    /// <summary>A generator continuing exactly where the one that produced <paramref name="state"/> was.</summary>
    /// <exception cref="ArgumentException">The state is all zeros (not reachable from any seed).</exception>
    public static SeededRandom FromState(SeededRandomState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0) throw new ArgumentException("An all-zero xoshiro256** state is invalid.", nameof(state));
        return new SeededRandom(state.S0, state.S1, state.S2, state.S3, state.SpareGaussian);
    }
}

/// <summary>The serialisable state of a <see cref="SeededRandom"/>.</summary>
/// <param name="S0">State word 0.</param>
/// <param name="S1">State word 1.</param>
/// <param name="S2">State word 2.</param>
/// <param name="S3">State word 3.</param>
/// <param name="SpareGaussian">The cached second Box-Muller sample, if any.</param>
public readonly record struct SeededRandomState(ulong S0, ulong S1, ulong S2, ulong S3, double? SpareGaussian);
