using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks.Compare;

/// <summary>The profile group: where our train step's time goes.</summary>
internal sealed partial class CompareRun
{
    /// <summary>
    /// <c>profile.{tiny,small}.{ntp,bico}.{category}</c> (ms per step, ours only; see <see cref="StepBreakdown"/>) and
    /// <c>profile.{preset}.{objective}.step</c>; the console gets the table per operation.
    /// </summary>
    private void Profile()
    {
        foreach (var preset in Presets)
            foreach (var (objective, label) in new[] { ("ntp", "ntp"), ("bico-mix", "bico") })
            {
                Next($"Train step profile {Name(preset)} {label}");
                var breakdown = StepBreakdown.Measure(preset, objective, settings.Steps);
                Console.Write(breakdown.Format());
                string prefix = $"profile.{Name(preset)}.{label}";
                _rows.Add(new CompareRow($"{prefix}.step", breakdown.StepMilliseconds, null, "ms/step", null));
                foreach (var (category, ms) in breakdown.ByCategory())
                    _rows.Add(new CompareRow($"{prefix}.{category}", ms, null, "ms/step", null));
            }
    }
}
