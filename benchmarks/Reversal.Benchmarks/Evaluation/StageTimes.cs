using System.Diagnostics;
using System.Globalization;
using Reversal.Training.Evaluation.ReversalCurse;

namespace Reversal.Benchmarks.Evaluation;

/// <summary>
/// Wall time per evaluation stage (a decoder's name, <c>rank1</c>, <c>randomized</c>), summed over splits, from the
/// evaluator's progress reports: the time between two reports belongs to the stage the later report names.
/// </summary>
internal sealed class StageTimes
{
    private readonly Dictionary<string, TimeSpan> _times = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last;

    /// <summary>Charges the time since the previous report to <paramref name="progress"/>'s stage.</summary>
    public void Observe(EvaluationProgress progress)
    {
        TimeSpan now = _clock.Elapsed;
        _times[progress.Stage] = _times.GetValueOrDefault(progress.Stage) + (now - _last);
        _last = now;
    }

    /// <summary>Charges the time after the last report (result assembly) to <c>other</c>.</summary>
    public void Stop()
    {
        TimeSpan now = _clock.Elapsed;
        _times["other"] = _times.GetValueOrDefault("other") + (now - _last);
        _last = now;
    }

    /// <summary>Seconds per stage, in the order the stages first ran, e.g. <c>greedy 12.1 s, rank1 40.2 s</c>.</summary>
    public override string ToString() =>
        string.Join(", ", _times.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value.TotalSeconds:F1} s")));
}
