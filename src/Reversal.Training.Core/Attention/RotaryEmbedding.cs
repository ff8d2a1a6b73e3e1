using System.Runtime.Intrinsics;
namespace Reversal.Training.Attention;

/// <summary>
/// Rotary position embedding tables in the Hugging Face Llama convention ("rotate half"): for a head vector x of
/// size d and position p, with h = d/2 and θ_i = p · f_i, f_i = base^(−2i/d) (or as <see cref="RopeScaling"/> scales it),
/// <c>y[i] = x[i]·cos θ_i − x[i+h]·sin θ_i</c> and <c>y[i+h] = x[i+h]·cos θ_i + x[i]·sin θ_i</c> for i &lt; h.
/// </summary>
/// <remarks>
/// <para>The rotation R(p) is orthogonal and R(p)ᵀ = R(−p), which is the "sine-negated" rotation BICO applies to keys
/// after the query: rotating both q_m and k_n by R(−·) scores them as <c>qᵀ R(m − n) k</c>. The inverse (used by
/// backward) of a rotation is therefore the same rotation with the sine negated.
/// Angles are computed in float64 and stored as float32.</para>
/// <para>The tables are computed lazily: they cover the positions used so far (doubling as needed, at most
/// <see cref="MaxPositions"/>), so a model whose context is millions of tokens costs nothing until it is run that
/// long, and loading a checkpoint never allocates in proportion to its <c>max_position_embeddings</c>. Every entry is
/// computed from its position alone, so the values do not depend on the order in which tables grew; growth is
/// thread-safe.</para>
/// </remarks>
public sealed class RotaryEmbedding
{
    /// <summary>Positions covered by the first tables.</summary>
    private const int InitialPositions = 128;

    private readonly double[] _inverseFrequency;
    private readonly Lock _growLock = new();
    private Tables _tables;

    /// <summary>Prepares the rotation for positions <c>0 .. maxPositions−1</c>.</summary>
    /// <param name="headDim">Head size d (even, positive).</param>
    /// <param name="maxPositions">Number of positions covered (the model's context length).</param>
    /// <param name="theta">RoPE base (Llama: 10,000).</param>
    /// <param name="scaling">A <c>rope_scaling</c> rule (see <see cref="RopeScaling"/>), or null for plain RoPE. Dynamic
    /// scaling uses the frequencies of a sequence of <paramref name="maxPositions"/> tokens, with
    /// <paramref name="maxPositionEmbeddings"/> as the original context.</param>
    /// <param name="maxPositionEmbeddings">The config's <c>max_position_embeddings</c> (dynamic scaling only; defaults to <paramref name="maxPositions"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (odd or non-positive head size, ...).</exception>
    /// <exception cref="ArgumentException">The scaling is invalid.</exception>
    public RotaryEmbedding(int headDim, int maxPositions, double theta = 10000.0, RopeScaling? scaling = null, int? maxPositionEmbeddings = null)
    {
        if (headDim <= 0 || headDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "RoPE needs a positive, even head size.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPositions, 1);
        if (!(theta > 1) || double.IsInfinity(theta)) throw new ArgumentOutOfRangeException(nameof(theta), theta, "RoPE base must be finite and greater than 1.");
        scaling?.Validate();
        HeadDim = headDim; MaxPositions = maxPositions; Theta = theta; Scaling = scaling;
        _inverseFrequency = RopeScaling.InverseFrequencies(headDim, theta, scaling, maxPositionEmbeddings ?? maxPositions, maxPositions);
        _tables = Build(Math.Min(maxPositions, InitialPositions));
    }

    /// <summary>The <c>rope_scaling</c> rule, or null for plain RoPE.</summary>
    public RopeScaling? Scaling { get; }

    /// <summary>The inverse frequencies <c>[HeadDim/2]</c> the angles use (<c>θ_i(p) = p · f_i</c>), after scaling.</summary>
    public IReadOnlyList<double> InverseFrequencies => _inverseFrequency;

    /// <summary>Head size d.</summary>
    public int HeadDim { get; }

    /// <summary>Number of positions the rotation is defined for (the tables grow to it on demand).</summary>
    public int MaxPositions { get; }

    /// <summary>RoPE base.</summary>
    public double Theta { get; }

    /// <summary><c>cos θ_i(p)</c> for every position p and frequency i, <c>[MaxPositions, HeadDim/2]</c> row-major (the
    /// table every engine rotates with, so they agree bit for bit on the angles).</summary>
    /// <remarks>Reading it computes the tables for all <see cref="MaxPositions"/> positions (2 × MaxPositions × HeadDim/2
    /// floats, kept), unlike <see cref="Rotate"/>, which computes only the positions it is asked for.</remarks>
    /// <exception cref="OutOfMemoryException">The full tables do not fit in an array (MaxPositions × HeadDim/2 beyond
    /// <see cref="Array.MaxLength"/>).</exception>
    public ReadOnlyMemory<float> CosTable => Covering(MaxPositions - 1).Cos;

    /// <summary><c>sin θ_i(p)</c>, <c>[MaxPositions, HeadDim/2]</c> row-major; the sine-negated rotation uses <c>−SinTable</c>.</summary>
    /// <remarks>Computes the full tables, as <see cref="CosTable"/> does.</remarks>
    /// <exception cref="OutOfMemoryException">The full tables do not fit in an array.</exception>
    public ReadOnlyMemory<float> SinTable => Covering(MaxPositions - 1).Sin;

    /// <summary>
    /// Writes <c>R(±p)·x</c> into <paramref name="y"/> (may alias <paramref name="x"/>): the standard rotation, or the
    /// sine-negated one when <paramref name="negateSine"/>.
    /// </summary>
    public void Rotate(ReadOnlySpan<float> x, Span<float> y, int position, bool negateSine)
    {
        if ((uint)position >= (uint)MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position {position} is outside the RoPE table [0, {MaxPositions}).");
        if (x.Length < HeadDim || y.Length < HeadDim)
            throw new ArgumentException($"Rotate needs {HeadDim} values in and out, got {x.Length} and {y.Length}.");
        RotateHead(Covering(position), x, y, position, negateSine ? -1f : 1f);
    }

    /// <summary>
    /// One head: <c>y[i] = a·c − b·s</c>, <c>y[i + d/2] = b·c + a·s</c> with <c>a = x[i]</c>, <c>b = x[i + d/2]</c>,
    /// <c>c = cos θ_i(p)</c>, <c>s = ±sin θ_i(p)</c>: each product rounded, then the sum (no fused multiply-add), in vectors
    /// where they fit and the same arithmetic for the rest, so every width gives the bits of the scalar formula.
    /// </summary>
    private void RotateHead(Tables tables, ReadOnlySpan<float> x, Span<float> y, int position, float sign)
    {
        int half = HeadDim / 2, i = 0;
        var cos = tables.Cos.AsSpan(position * half, half);
        var sin = tables.Sin.AsSpan(position * half, half);
        if (Vector256.IsHardwareAccelerated)
        {
            var signs = Vector256.Create(sign);
            for (; i <= half - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var a = Vector256.Create(x.Slice(i, Vector256<float>.Count));
                var b = Vector256.Create(x.Slice(i + half, Vector256<float>.Count));
                var c = Vector256.Create(cos.Slice(i, Vector256<float>.Count));
                var s = signs * Vector256.Create(sin.Slice(i, Vector256<float>.Count));
                (a * c - b * s).CopyTo(y.Slice(i, Vector256<float>.Count));
                (b * c + a * s).CopyTo(y.Slice(i + half, Vector256<float>.Count));
            }
        }
        for (; i < half; i++)
        {
            float a = x[i], b = x[i + half], c = cos[i], s = sign * sin[i];
            y[i] = a * c - b * s;
            y[i + half] = b * c + a * s;
        }
    }

    /// <summary>
    /// Rotates every head of every token: <paramref name="x"/> is <c>[tokens, heads·d]</c> flattened, token t rotated by
    /// <c>positions[t]</c>.
    /// </summary>
    public void RotateAll(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<int> positions, int heads, bool negateSine)
    {
        var tables = CheckedTables(positions, heads, x.Length, y.Length, nameof(RotateAll));
        if (tables is null) return;
        int width = heads * HeadDim;
        float sign = negateSine ? -1f : 1f;
        for (int t = 0; t < positions.Length; t++)
            for (int h = 0; h < heads; h++)
            {
                int off = t * width + h * HeadDim;
                RotateHead(tables, x.Slice(off, HeadDim), y.Slice(off, HeadDim), positions[t], sign);
            }
    }

    /// <summary>
    /// Rotates every head of every token both ways in one pass: <c>R(p)·x</c> into <paramref name="standard"/> and the
    /// sine-negated <c>R(−p)·x</c> into <paramref name="mirrored"/>, sharing the four products of each pair. The bits of
    /// two <see cref="RotateAll"/> calls: with the sine negated, <c>a·c − b·(−s)</c> is exactly <c>a·c + b·s</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <c>tokens × heads × d</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A position is outside the table.</exception>
    internal void RotateAllBothWays(ReadOnlySpan<float> x, Span<float> standard, Span<float> mirrored, ReadOnlySpan<int> positions, int heads)
    {
        var tables = CheckedTables(positions, heads, x.Length, Math.Min(standard.Length, mirrored.Length), nameof(RotateAllBothWays));
        if (tables is null) return;
        int half = HeadDim / 2, width = heads * HeadDim;
        for (int t = 0; t < positions.Length; t++)
        {
            var cos = tables.Cos.AsSpan(positions[t] * half, half);
            var sin = tables.Sin.AsSpan(positions[t] * half, half);
            for (int h = 0; h < heads; h++)
            {
                int o = t * width + h * HeadDim, i = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; i <= half - Vector256<float>.Count; i += Vector256<float>.Count)
                    {
                        var a = Vector256.Create(x.Slice(o + i, Vector256<float>.Count));
                        var b = Vector256.Create(x.Slice(o + half + i, Vector256<float>.Count));
                        var c = Vector256.Create(cos.Slice(i, Vector256<float>.Count));
                        var sn = Vector256.Create(sin.Slice(i, Vector256<float>.Count));
                        Vector256<float> ac = a * c, bs = b * sn, bc = b * c, asn = a * sn;
                        (ac - bs).CopyTo(standard.Slice(o + i, Vector256<float>.Count));
                        (bc + asn).CopyTo(standard.Slice(o + half + i, Vector256<float>.Count));
                        (ac + bs).CopyTo(mirrored.Slice(o + i, Vector256<float>.Count));
                        (bc - asn).CopyTo(mirrored.Slice(o + half + i, Vector256<float>.Count));
                    }
                for (; i < half; i++)
                {
                    float a = x[o + i], b = x[o + half + i], c = cos[i], sn = sin[i];
                    float ac = a * c, bs = b * sn, bc = b * c, asn = a * sn;
                    standard[o + i] = ac - bs;
                    standard[o + half + i] = bc + asn;
                    mirrored[o + i] = ac + bs;
                    mirrored[o + half + i] = bc - asn;
                }
            }
        }
    }

    /// <summary>
    /// The gradient through both rotations in one pass: <c>destination (=|+=) R(p)ᵀ·standard + R(−p)ᵀ·mirrored</c>, i.e. the
    /// standard part rotated with the sine negated plus the mirrored part rotated with it restored (no mirrored part:
    /// the first term only). Overwriting writes <c>first + second</c>; otherwise it adds the first term, then the second,
    /// the bits of <see cref="RotateAll"/> into scratch followed by element-wise adds.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <c>tokens × heads × d</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A position is outside the table.</exception>
    internal void AddUnrotatedBothWays(ReadOnlySpan<float> standard, ReadOnlySpan<float> mirrored, Span<float> destination,
        ReadOnlySpan<int> positions, int heads, bool overwrite)
    {
        bool both = !mirrored.IsEmpty;
        int shortest = Math.Min(standard.Length, both ? mirrored.Length : int.MaxValue);
        var tables = CheckedTables(positions, heads, shortest, destination.Length, nameof(AddUnrotatedBothWays));
        if (tables is null) return;
        int half = HeadDim / 2, width = heads * HeadDim, vector = Vector256<float>.Count;
        for (int t = 0; t < positions.Length; t++)
        {
            var cos = tables.Cos.AsSpan(positions[t] * half, half);
            var sin = tables.Sin.AsSpan(positions[t] * half, half);
            for (int h = 0; h < heads; h++)
            {
                int o = t * width + h * HeadDim, i = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; i <= half - vector; i += vector)
                    {
                        var c = Vector256.Create(cos.Slice(i, vector));
                        var sn = Vector256.Create(sin.Slice(i, vector));
                        var sa = Vector256.Create(standard.Slice(o + i, vector));
                        var sb = Vector256.Create(standard.Slice(o + half + i, vector));
                        // R(p)ᵀ = the sine-negated rotation: a·c − b·(−s) = a·c + b·s, b·c + a·(−s) = b·c − a·s.
                        Vector256<float> low = sa * c + sb * sn, high = sb * c - sa * sn;
                        if (!overwrite)
                        {
                            low = Vector256.Create(destination.Slice(o + i, vector)) + low;
                            high = Vector256.Create(destination.Slice(o + half + i, vector)) + high;
                        }
                        if (both)
                        {
                            var ma = Vector256.Create(mirrored.Slice(o + i, vector));
                            var mb = Vector256.Create(mirrored.Slice(o + half + i, vector));
                            low += ma * c - mb * sn;
                            high += mb * c + ma * sn;
                        }
                        low.CopyTo(destination.Slice(o + i, vector));
                        high.CopyTo(destination.Slice(o + half + i, vector));
                    }
                for (; i < half; i++)
                {
                    float c = cos[i], sn = sin[i], sa = standard[o + i], sb = standard[o + half + i];
                    float low = sa * c + sb * sn, high = sb * c - sa * sn;
                    if (!overwrite)
                    {
                        low = destination[o + i] + low;
                        high = destination[o + half + i] + high;
                    }
                    if (both)
                    {
                        float ma = mirrored[o + i], mb = mirrored[o + half + i];
                        low += ma * c - mb * sn;
                        high += mb * c + ma * sn;
                    }
                    destination[o + i] = low;
                    destination[o + half + i] = high;
                }
            }
        }
    }

    /// <summary>
    /// Checks positions and span lengths for a pass over <c>positions.Length</c> tokens of <paramref name="heads"/> heads
    /// and returns the tables covering them (null when there are no tokens).
    /// </summary>
    private Tables? CheckedTables(ReadOnlySpan<int> positions, int heads, int inputLength, int outputLength, string method)
    {
        int last = -1;
        foreach (int position in positions)
        {
            if ((uint)position >= (uint)MaxPositions)
                throw new ArgumentOutOfRangeException(nameof(positions), position, $"Position {position} is outside the RoPE table [0, {MaxPositions}).");
            last = Math.Max(last, position);
        }
        if (positions.Length == 0) return null;
        long needed = (long)positions.Length * heads * HeadDim;
        if (inputLength < needed || outputLength < needed)
            throw new ArgumentException($"{method} needs {needed} values ({positions.Length} tokens × {heads} heads × {HeadDim}) in and out, got {inputLength} and {outputLength}.");
        return Covering(last);
    }

    /// <summary>Tables covering <paramref name="position"/>.</summary>
    private Tables Covering(int position)
    {
        var tables = Volatile.Read(ref _tables);
        return position < tables.Positions ? tables : Grow(position);
    }

    /// <summary>Tables covering at least <paramref name="position"/>: twice the current span, capped at <see cref="MaxPositions"/>.</summary>
    private Tables Grow(int position)
    {
        lock (_growLock)
        {
            var current = _tables;
            if (position < current.Positions) return current;
            int positions = (int)Math.Min(MaxPositions, Math.Max(position + 1L, 2L * current.Positions));
            var grown = Build(positions);
            Volatile.Write(ref _tables, grown);
            return grown;
        }
    }

    /// <summary>cos and sin of <c>p · base^(−2i/d)</c> for positions <c>0 .. positions−1</c>, row-major <c>[p, i]</c>.</summary>
    private Tables Build(int positions)
    {
        int half = HeadDim / 2;
        var cos = new float[(long)positions * half];
        var sin = new float[(long)positions * half];
        for (int i = 0; i < half; i++)
        {
            double inverseFrequency = _inverseFrequency[i];
            for (int p = 0; p < positions; p++)
            {
                double angle = p * inverseFrequency;
                cos[(long)p * half + i] = (float)Math.Cos(angle);
                sin[(long)p * half + i] = (float)Math.Sin(angle);
            }
        }
        return new Tables(cos, sin, positions);
    }

    /// <summary>An immutable snapshot of the tables: readers keep using theirs while a larger one is published.</summary>
    private sealed record Tables(float[] Cos, float[] Sin, int Positions);
}
