using Reversal.Training.Schedules;

namespace Reversal.Training;

/// <summary>Fluent configuration of the learning-rate schedule: <c>s => s.WarmupCosine(warmupSteps: 100)</c>.</summary>
public sealed class ScheduleOptions
{
    /// <summary>Builds the schedule once the total number of steps of a run is known.</summary>
    internal Func<long, ILearningRateSchedule> Factory { get; private set; } = _ => ConstantSchedule.Instance;

    /// <summary>True when the schedule decays over the run and was given no <c>totalSteps</c>: only <c>Fit</c> knows the run's length then.</summary>
    internal bool NeedsRunLength { get; private set; }

    /// <summary>A constant learning rate (the default).</summary>
    public ScheduleOptions Constant()
    {
        Factory = _ => ConstantSchedule.Instance;
        NeedsRunLength = false;
        return this;
    }

    /// <summary>
    /// Linear warm-up over <paramref name="warmupSteps"/> then cosine decay to <paramref name="minRatio"/> × the base rate
    /// at <paramref name="totalSteps"/> (default: the total number of optimizer steps of the <c>Fit</c> run).
    /// </summary>
    /// <remarks>A host that drives <see cref="Trainer.TrainStep"/> itself, without <c>Fit</c>, must pass
    /// <paramref name="totalSteps"/>: <c>TrainStep</c> refuses to run a decay without a horizon.</remarks>
    public ScheduleOptions WarmupCosine(long warmupSteps, long? totalSteps = null, double minRatio = 0.0)
    {
        _ = new WarmupCosineSchedule(warmupSteps, totalSteps ?? warmupSteps + 1, minRatio); // validate eagerly
        Factory = total => new WarmupCosineSchedule(warmupSteps, Math.Max(totalSteps ?? total, 1), minRatio);
        NeedsRunLength = totalSteps is null;
        return this;
    }

    /// <summary>A custom schedule.</summary>
    public ScheduleOptions Use(ILearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Factory = _ => schedule;
        NeedsRunLength = false;
        return this;
    }
}
