using Reversal.Training.Schedules;

namespace Reversal.Training.Core.Tests.Training;

public class ScheduleTests
{
    [Test]
    public void Warmup_cosine_schedule_rises_linearly_then_decays_to_the_floor()
    {
        var schedule = new WarmupCosineSchedule(warmupSteps: 4, totalSteps: 14, minRatio: 0.1);
        Assert.Multiple(() =>
        {
            Assert.That(schedule.Multiplier(0), Is.EqualTo(0.25).Within(1e-12));
            Assert.That(schedule.Multiplier(3), Is.EqualTo(1.0).Within(1e-12));
            Assert.That(schedule.Multiplier(4), Is.EqualTo(1.0).Within(1e-12));
            Assert.That(schedule.Multiplier(9), Is.EqualTo(0.1 + 0.9 * 0.5).Within(1e-12));
            Assert.That(schedule.Multiplier(14), Is.EqualTo(0.1).Within(1e-12));
            Assert.That(schedule.Multiplier(100), Is.EqualTo(0.1).Within(1e-12));
            Assert.That(ConstantSchedule.Instance.Multiplier(123), Is.EqualTo(1.0));
        });
    }
}
