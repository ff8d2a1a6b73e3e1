namespace Reversal.Training.Attention;

/// <summary>
/// Rotary position embedding tables in the Hugging Face Llama convention ("rotate half"): for a head vector x of
/// size d and position p, with h = d/2 and θ_i = p · base^(−2i/d),
/// <c>y[i] = x[i]·cos θ_i − x[i+h]·sin θ_i</c> and <c>y[i+h] = x[i+h]·cos θ_i + x[i]·sin θ_i</c> for i &lt; h.
/// </summary>
/// <remarks>
/// The rotation R(p) is orthogonal and R(p)ᵀ = R(−p), which is the "sine-negated" rotation BICO applies to keys
/// after the query: rotating both q_m and k_n by R(−·) scores them as <c>qᵀ R(m − n) k</c>. The inverse (used by
/// backward) of a rotation is therefore the same rotation with the sine negated.
/// Angles are computed in float64 and stored as float32.
/// </remarks>
public sealed class RotaryEmbedding
{
    private readonly float[] _cos;
    private readonly float[] _sin;

    /// <summary>Builds the tables for positions <c>0 .. maxPositions−1</c>.</summary>
    /// <param name="headDim">Head size d (even, positive).</param>
    /// <param name="maxPositions">Number of positions covered (the model's context length).</param>
    /// <param name="theta">RoPE base (Llama: 10,000).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (odd or non-positive head size, ...).</exception>
    public RotaryEmbedding(int headDim, int maxPositions, double theta = 10000.0)
    {
        if (headDim <= 0 || headDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "RoPE needs a positive, even head size.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPositions, 1);
        if (!(theta > 1)) throw new ArgumentOutOfRangeException(nameof(theta), theta, "RoPE base must be greater than 1.");
        HeadDim = headDim; MaxPositions = maxPositions; Theta = theta;
        int half = headDim / 2;
        _cos = new float[maxPositions * half];
        _sin = new float[maxPositions * half];
        for (int i = 0; i < half; i++)
        {
            double inverseFrequency = 1.0 / Math.Pow(theta, 2.0 * i / headDim);
            for (int p = 0; p < maxPositions; p++)
            {
                double angle = p * inverseFrequency;
                _cos[p * half + i] = (float)Math.Cos(angle);
                _sin[p * half + i] = (float)Math.Sin(angle);
            }
        }
    }

    /// <summary>Head size d.</summary>
    public int HeadDim { get; }

    /// <summary>Number of positions in the tables.</summary>
    public int MaxPositions { get; }

    /// <summary>RoPE base.</summary>
    public double Theta { get; }

    /// <summary><c>cos θ_i(p)</c> for every position p and frequency i, <c>[MaxPositions, HeadDim/2]</c> row-major (the
    /// table every engine rotates with, so they agree bit for bit on the angles).</summary>
    public ReadOnlyMemory<float> CosTable => _cos;

    /// <summary><c>sin θ_i(p)</c>, <c>[MaxPositions, HeadDim/2]</c> row-major; the sine-negated rotation uses <c>−SinTable</c>.</summary>
    public ReadOnlyMemory<float> SinTable => _sin;

    /// <summary>
    /// Writes <c>R(±p)·x</c> into <paramref name="y"/> (may alias <paramref name="x"/>): the standard rotation, or the
    /// sine-negated one when <paramref name="negateSine"/>.
    /// </summary>
    public void Rotate(ReadOnlySpan<float> x, Span<float> y, int position, bool negateSine)
    {
        if ((uint)position >= (uint)MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position {position} is outside the RoPE table [0, {MaxPositions}).");
        int half = HeadDim / 2;
        var cos = _cos.AsSpan(position * half, half);
        var sin = _sin.AsSpan(position * half, half);
        float sign = negateSine ? -1f : 1f;
        for (int i = 0; i < half; i++)
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
        int width = heads * HeadDim;
        for (int t = 0; t < positions.Length; t++)
            for (int h = 0; h < heads; h++)
            {
                int off = t * width + h * HeadDim;
                Rotate(x.Slice(off, HeadDim), y.Slice(off, HeadDim), positions[t], negateSine);
            }
    }
}
