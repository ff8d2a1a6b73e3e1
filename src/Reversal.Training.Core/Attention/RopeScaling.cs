namespace Reversal.Training.Attention;

/// <summary>The RoPE scaling rules of Hugging Face's <c>rope_scaling.rope_type</c> that this library implements.</summary>
public enum RopeScalingType
{
    /// <summary><c>"linear"</c> (position interpolation): every inverse frequency divided by <c>factor</c>.</summary>
    Linear,

    /// <summary><c>"dynamic"</c> (dynamic NTK): for a sequence of L &gt; original tokens the base becomes
    /// <c>θ · (factor·L/original − (factor − 1))^(d/(d−2))</c>; unchanged up to the original context.</summary>
    Dynamic,

    /// <summary><c>"llama3"</c> (Llama 3.1+): low frequencies divided by <c>factor</c>, high ones kept, the band between
    /// interpolated smoothly.</summary>
    Llama3,
}

/// <summary>
/// A <c>rope_scaling</c> entry of a Llama <c>config.json</c>, as transformers' <c>modeling_rope_utils</c> computes it
/// (attention scaling 1 for all three types). With <c>f_i = θ^(−2i/d)</c> the default inverse frequencies:
/// <list type="bullet">
/// <item><c>linear</c>: <c>f_i / factor</c>.</item>
/// <item><c>dynamic</c>: for sequence length <c>L = max(L, original)</c>, <c>θ' = θ · (factor·L/original − factor + 1)^(d/(d−2))</c>
/// and <c>f_i = θ'^(−2i/d)</c>, where original is <c>max_position_embeddings</c>.</item>
/// <item><c>llama3</c>: with wavelength <c>λ_i = 2π / f_i</c>, <c>λ_low = original / low_freq_factor</c> and
/// <c>λ_high = original / high_freq_factor</c>: <c>f_i</c> when <c>λ_i &lt; λ_high</c>; <c>f_i / factor</c> when
/// <c>λ_i &gt; λ_low</c>; otherwise <c>(1 − s)·f_i/factor + s·f_i</c> with
/// <c>s = (original/λ_i − low_freq_factor) / (high_freq_factor − low_freq_factor)</c>.</item>
/// </list>
/// </summary>
/// <param name="Type">The rule.</param>
/// <param name="Factor">The scaling factor (≥ 1).</param>
/// <param name="LowFreqFactor"><c>low_freq_factor</c> (llama3 only).</param>
/// <param name="HighFreqFactor"><c>high_freq_factor</c> (llama3 only; greater than <paramref name="LowFreqFactor"/>).</param>
/// <param name="OriginalMaxPositionEmbeddings"><c>original_max_position_embeddings</c> (llama3: required; dynamic: the
/// context before scaling, <c>max_position_embeddings</c> when null).</param>
public sealed record RopeScaling(RopeScalingType Type, double Factor, double? LowFreqFactor = null, double? HighFreqFactor = null, int? OriginalMaxPositionEmbeddings = null)
{
    /// <summary>Linear scaling by <paramref name="factor"/>.</summary>
    public static RopeScaling Linear(double factor) => new(RopeScalingType.Linear, factor);

    /// <summary>Dynamic NTK scaling by <paramref name="factor"/>.</summary>
    public static RopeScaling Dynamic(double factor) => new(RopeScalingType.Dynamic, factor);

    /// <summary>Llama 3 scaling (Llama 3.1 uses factor 8, low 1, high 4, original 8192).</summary>
    public static RopeScaling Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) =>
        new(RopeScalingType.Llama3, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);

    /// <summary>The <c>rope_type</c> string.</summary>
    public string TypeName => Type switch
    {
        RopeScalingType.Linear => "linear",
        RopeScalingType.Dynamic => "dynamic",
        _ => "llama3",
    };

    /// <summary>Checks the fields.</summary>
    /// <exception cref="ArgumentException">A field is missing for the type, out of range, or given to a type that does not use it; the message names it.</exception>
    public void Validate()
    {
        if (!(Factor >= 1) || double.IsInfinity(Factor)) throw new ArgumentException($"RoPE scaling factor must be finite and at least 1, got {Factor}.", nameof(Factor));
        if (OriginalMaxPositionEmbeddings is < 1) throw new ArgumentException($"original_max_position_embeddings must be positive, got {OriginalMaxPositionEmbeddings}.", nameof(OriginalMaxPositionEmbeddings));
        if (Type == RopeScalingType.Llama3)
        {
            if (LowFreqFactor is not double low || !(low > 0) || double.IsInfinity(low)) throw new ArgumentException($"llama3 RoPE scaling needs a positive low_freq_factor, got {LowFreqFactor?.ToString() ?? "none"}.", nameof(LowFreqFactor));
            if (HighFreqFactor is not double high || !(high > low) || double.IsInfinity(high)) throw new ArgumentException($"llama3 RoPE scaling needs a finite high_freq_factor greater than low_freq_factor {low}, got {HighFreqFactor?.ToString() ?? "none"}.", nameof(HighFreqFactor));
            if (OriginalMaxPositionEmbeddings is null) throw new ArgumentException("llama3 RoPE scaling needs original_max_position_embeddings.", nameof(OriginalMaxPositionEmbeddings));
        }
        else if (LowFreqFactor is not null || HighFreqFactor is not null)
            throw new ArgumentException($"low_freq_factor and high_freq_factor belong to llama3 RoPE scaling, not {TypeName}.", nameof(LowFreqFactor));
        else if (Type == RopeScalingType.Linear && OriginalMaxPositionEmbeddings is not null)
            throw new ArgumentException("original_max_position_embeddings is not used by linear RoPE scaling.", nameof(OriginalMaxPositionEmbeddings));
    }

    /// <summary>
    /// The inverse frequencies <c>[d/2]</c> (float64) for head size <paramref name="headDim"/>, base
    /// <paramref name="theta"/>, with <paramref name="scaling"/> (null: the default <c>θ^(−2i/d)</c>).
    /// </summary>
    /// <param name="headDim">d (even).</param>
    /// <param name="theta">θ.</param>
    /// <param name="scaling">The rule, or null.</param>
    /// <param name="maxPositionEmbeddings">The config's <c>max_position_embeddings</c> (dynamic's original context unless
    /// <see cref="OriginalMaxPositionEmbeddings"/> is set).</param>
    /// <param name="sequenceLength">The sequence length L the tables serve (dynamic only).</param>
    public static double[] InverseFrequencies(int headDim, double theta, RopeScaling? scaling, int maxPositionEmbeddings, int sequenceLength)
    {
        int half = headDim / 2;
        double baseTheta = theta;
        if (scaling is { Type: RopeScalingType.Dynamic })
        {
            int original = scaling.OriginalMaxPositionEmbeddings ?? maxPositionEmbeddings;
            double length = Math.Max(sequenceLength, original);
            baseTheta = theta * Math.Pow(scaling.Factor * length / original - (scaling.Factor - 1), headDim / (headDim - 2.0));
        }
        var frequencies = new double[half];
        for (int i = 0; i < half; i++) frequencies[i] = 1.0 / Math.Pow(baseTheta, 2.0 * i / headDim);
        if (scaling is null || scaling.Type == RopeScalingType.Dynamic) return frequencies;
        if (scaling.Type == RopeScalingType.Linear)
        {
            for (int i = 0; i < half; i++) frequencies[i] /= scaling.Factor;
            return frequencies;
        }
        double factor = scaling.Factor, low = scaling.LowFreqFactor!.Value, high = scaling.HighFreqFactor!.Value;
        double context = scaling.OriginalMaxPositionEmbeddings!.Value;
        double lowWavelength = context / low, highWavelength = context / high;
        for (int i = 0; i < half; i++)
        {
            double f = frequencies[i], wavelength = 2 * Math.PI / f;
            if (wavelength < highWavelength) continue;
            if (wavelength > lowWavelength) { frequencies[i] = f / factor; continue; }
            double smooth = (context / wavelength - low) / (high - low);
            frequencies[i] = (1 - smooth) * f / factor + smooth * f;
        }
        return frequencies;
    }
}
