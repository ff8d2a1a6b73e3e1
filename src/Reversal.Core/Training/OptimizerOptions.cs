using Reversal.Core.NN;
using Reversal.Core.Optim;

namespace Reversal.Core.Training;

/// <summary>Fluent configuration of the optimiser: <c>o => o.AdamW(lr: 3e-3, weightDecay: 0.01).ClipGradNorm(1.0)</c>.</summary>
public sealed class OptimizerOptions
{
    internal Func<IEnumerable<Parameter>, Optimizer> Factory { get; private set; } = ps => new AdamW(ps);

    internal double? MaxGradNorm { get; private set; }

    /// <summary>Uses <see cref="Optim.AdamW"/> with the given hyper-parameters (the default: AdamW with lr 1e-3).</summary>
    public OptimizerOptions AdamW(double lr = 1e-3, double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        Optim.AdamW.ValidateHyperParameters(lr, beta1, beta2, epsilon, weightDecay); // fail where the numbers were written
        Factory = ps => new AdamW(ps, lr, beta1, beta2, epsilon, weightDecay);
        return this;
    }

    /// <summary>Uses a custom optimiser built over the model's parameters.</summary>
    public OptimizerOptions Use(Func<IEnumerable<Parameter>, Optimizer> factory)
    {
        Factory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Clips the global gradient norm to <paramref name="maxNorm"/> before every step.</summary>
    public OptimizerOptions ClipGradNorm(double maxNorm)
    {
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be a positive finite number.");
        MaxGradNorm = maxNorm;
        return this;
    }
}
