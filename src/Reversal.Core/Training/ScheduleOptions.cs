using Reversal.Core.Optim;

namespace Reversal.Core.Training;

/// <summary>Fluent configuration of the learning-rate schedule: <c>s => s.WarmupCosine(warmupSteps: 100)</c>.</summary>
public sealed class ScheduleOptions
{
    /// <summary>Builds the schedule once the total number of steps of a run is known.</summary>
    internal Func<long, ILearningRateSchedule> Factory { get; private set; } = _ => ConstantSchedule.Instance;

    /// <summary>A constant learning rate (the default).</summary>
    public ScheduleOptions Constant()
    {
        Factory = _ => ConstantSchedule.Instance;
        return this;
    }

    /// <summary>
    /// Linear warm-up over <paramref name="warmupSteps"/> then cosine decay to <paramref name="minRatio"/> × the base rate
    /// at <paramref name="totalSteps"/> (default: the run's total number of optimizer steps).
    /// </summary>
    public ScheduleOptions WarmupCosine(long warmupSteps, long? totalSteps = null, double minRatio = 0.0)
    {
        _ = new WarmupCosineSchedule(warmupSteps, totalSteps ?? warmupSteps + 1, minRatio); // validate eagerly
        Factory = total => new WarmupCosineSchedule(warmupSteps, Math.Max(totalSteps ?? total, 1), minRatio);
        return this;
    }

    /// <summary>A custom schedule.</summary>
    public ScheduleOptions Use(ILearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Factory = _ => schedule;
        return this;
    }
}
