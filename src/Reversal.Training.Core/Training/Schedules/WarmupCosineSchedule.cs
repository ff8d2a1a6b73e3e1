namespace Reversal.Training.Schedules;

/// <summary>
/// Linear warm-up then cosine decay: <c>f(s) = (s+1)/W</c> for <c>s &lt; W</c>, then
/// <c>f(s) = r + (1−r) · ½(1 + cos(π · (s−W)/(S−W)))</c> until <c>S</c> total steps (held at <c>r</c> afterwards),
/// where <c>r</c> is <see cref="MinRatio"/>.
/// </summary>
public sealed class WarmupCosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative warm-up, total steps not above the warm-up, or a ratio outside [0, 1].</exception>
    public WarmupCosineSchedule(long warmupSteps, long totalSteps, double minRatio = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "Total steps must be positive.");
        if (!(minRatio >= 0 && minRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, "minRatio must be in [0, 1].");
        WarmupSteps = warmupSteps; TotalSteps = totalSteps; MinRatio = minRatio;
    }

    /// <summary>Warm-up steps W.</summary>
    public long WarmupSteps { get; }

    /// <summary>Total steps S.</summary>
    public long TotalSteps { get; }

    /// <summary>Final multiplier r.</summary>
    public double MinRatio { get; }

    /// <inheritdoc />
    public double Multiplier(long step)
    {
        if (step < WarmupSteps) return (step + 1.0) / WarmupSteps;
        long decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        return MinRatio + (1 - MinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
