using Reversal.Training.Models;

namespace Reversal.Training;

/// <summary>Fluent configuration of the optimiser: <c>o => o.AdamW(lr: 3e-3, weightDecay: 0.01).ClipGradNorm(1.0)</c>.</summary>
public sealed class OptimizerOptions
{
    internal AdamWSettings Settings { get; private set; } = new();

    internal double? MaxGradNorm { get; private set; }

    /// <summary>
    /// AdamW with the given hyper-parameters (the default: lr 1e-3, weight decay 0.01 on parameters of rank ≥ 2).
    /// See <see cref="AdamWSettings"/> for the update and the decay rule.
    /// </summary>
    /// <param name="lr">Base learning rate (the schedule multiplies it).</param>
    /// <param name="weightDecay">Decoupled weight decay λ.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator ε.</param>
    /// <param name="decayFilter">Which parameters decay; null keeps <see cref="AdamWSettings.DecayMatrices"/> (rank ≥ 2).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public OptimizerOptions AdamW(double lr = 1e-3, double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        Func<ParameterInfo, bool>? decayFilter = null)
    {
        var settings = new AdamWSettings
        {
            LearningRate = lr, WeightDecay = weightDecay, Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon,
            DecayFilter = decayFilter ?? AdamWSettings.DecayMatrices,
        };
        settings.Validate(); // fail where the numbers were written
        Settings = settings;
        return this;
    }

    /// <summary>Clips the global gradient norm to <paramref name="maxNorm"/> before every step.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not a positive finite number.</exception>
    public OptimizerOptions ClipGradNorm(double maxNorm)
    {
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be a positive finite number.");
        MaxGradNorm = maxNorm;
        return this;
    }
}
