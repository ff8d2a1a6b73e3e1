using Reversal.Benchmarks.Workloads;

namespace Reversal.Benchmarks.Compare;

/// <summary>The profile group: where our train step's time goes.</summary>
internal sealed partial class CompareRun
{
    /// <summary>
    /// <c>profile.{tiny,small}.{ntp,bico_denoising}.{category}</c> (ms per step, ours only; see <see cref="StepBreakdown"/>)
    /// and <c>profile.{preset}.{objective}.step</c>; the console gets the table per operation. The BICO recipe is
    /// profiled through its denoising step (bidirectional attention over both rotations), the half of the 50/50 mix the
    /// NTP profile does not already show: profiling the mix itself put whichever steps its seeded draw made first into
    /// the profile, and a first BICO step after a warm-up of NTP ones (new buffer sizes, code not yet optimised by the
    /// JIT) took 1.8 s, which once read as residual Adds of 56 ms and a cross-entropy of 36 ms per Small step.
    /// </summary>
    private void Profile()
    {
        foreach (var preset in Presets)
            foreach (var (objective, label) in new[] { ("ntp", "ntp"), ("bico", "bico_denoising") })
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
