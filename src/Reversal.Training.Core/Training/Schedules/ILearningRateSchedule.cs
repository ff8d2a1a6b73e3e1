namespace Reversal.Training.Schedules;

/// <summary>Maps an optimizer step index (0-based) to a multiplier of the base learning rate.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The factor applied to the base learning rate at step <paramref name="step"/>.</summary>
    double Multiplier(long step);
}
