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
        int width = heads * HeadDim, last = -1;
        foreach (int position in positions)
        {
            if ((uint)position >= (uint)MaxPositions)
                throw new ArgumentOutOfRangeException(nameof(positions), position, $"Position {position} is outside the RoPE table [0, {MaxPositions}).");
            last = Math.Max(last, position);
        }
        if (positions.Length == 0) return;
        long needed = (long)positions.Length * width;
        if (x.Length < needed || y.Length < needed)
            throw new ArgumentException($"RotateAll needs {needed} values ({positions.Length} tokens × {heads} heads × {HeadDim}) in and out, got {x.Length} and {y.Length}.");
        var tables = Covering(last);
        float sign = negateSine ? -1f : 1f;
        for (int t = 0; t < positions.Length; t++)
            for (int h = 0; h < heads; h++)
            {
                int off = t * width + h * HeadDim;
                RotateHead(tables, x.Slice(off, HeadDim), y.Slice(off, HeadDim), positions[t], sign);
            }
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
