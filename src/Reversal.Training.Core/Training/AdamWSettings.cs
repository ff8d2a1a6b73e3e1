using Reversal.Training.Models;

namespace Reversal.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter; <c>torch.optim.AdamW</c>) hyper-parameters, for every engine:
/// <c>θ ← θ·(1 − η·λ)</c> for parameters that <see cref="Decays"/>, then <c>m ← β₁m + (1−β₁)g</c>,
/// <c>v ← β₂v + (1−β₂)g²</c>, <c>θ ← θ − η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)</c>.
/// </summary>
/// <remarks>
/// <b>Decay rule.</b> Weight decay applies to the parameters <see cref="DecayFilter"/> selects; the default selects
/// every parameter of rank ≥ 2 (projection matrices, embeddings and an untied head) and never a vector (RMSNorm
/// gains), the grouping GPT-2, Llama and nanoGPT recipes use. Pass <c>DecayFilter = _ =&gt; true</c> for PyTorch's
/// plain <c>AdamW(model.parameters())</c>, which decays everything.
/// </remarks>
public sealed record AdamWSettings
{
    /// <summary>The default decay rule: parameters of rank ≥ 2 decay, vectors do not.</summary>
    public static Func<ParameterInfo, bool> DecayMatrices { get; } = p => p.Rank >= 2;

    /// <summary>Base learning rate η (a schedule multiplies it per step).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>First-moment decay β₁.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay β₂.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε added to the denominator.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay λ.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Which parameters decay (default <see cref="DecayMatrices"/>).</summary>
    public Func<ParameterInfo, bool> DecayFilter { get; init; } = DecayMatrices;

    /// <summary>True when <paramref name="parameter"/> receives weight decay.</summary>
    public bool Decays(ParameterInfo parameter) => WeightDecay > 0 && DecayFilter(parameter);

    /// <summary>Checks every hyper-parameter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be a finite, non-negative number.");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must be in [0, 1).");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must be in [0, 1).");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "epsilon must be a positive finite number.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay must be finite and non-negative.");
        ArgumentNullException.ThrowIfNull(DecayFilter);
    }
}
