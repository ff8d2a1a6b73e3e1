namespace Reversal.Training.Schedules;

/// <summary>A constant learning rate (multiplier 1 at every step).</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>The shared instance.</summary>
    public static ConstantSchedule Instance { get; } = new();

    /// <inheritdoc />
    public double Multiplier(long step) => 1.0;
}
