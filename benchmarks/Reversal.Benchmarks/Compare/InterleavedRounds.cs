using System.Diagnostics;

namespace Reversal.Benchmarks.Compare;

/// <summary>
/// Times several subjects (for example our train step and LibTorch's on the same shape) in interleaved rounds: every
/// subject is warmed up (<see cref="Warmup.Step"/>), then each round times <c>runs</c> calls of every subject in turn,
/// and a subject's result is the median of its round means.
/// </summary>
/// <remarks>
/// On a shared virtual machine the speed of both engines drifts by 10% or more within minutes. Timing one engine's
/// steps and then the other's lets a slow minute fall on one side only; interleaving puts every stretch of the run
/// on both sides alike, and the median drops a round that a neighbour's burst slowed. Every subject gets the same
/// treatment, and the first subject of a round changes from round to round so that none always follows the same one.
/// </remarks>
public static class InterleavedRounds
{
    /// <summary>One thing to time: a name for the console and the call.</summary>
    /// <param name="Name">Printed with the round means.</param>
    /// <param name="Call">One run (a train step, an attention call).</param>
    /// <param name="Runs">Timed calls of this subject per round; null for the <c>runs</c> of <see cref="Measure"/> (a long
    /// call such as a peak probe runs once a round).</param>
    public sealed record Subject(string Name, Action Call, int? Runs = null);

    /// <summary>A subject's result.</summary>
    /// <param name="MedianSeconds">Median over rounds of the mean seconds per call.</param>
    /// <param name="RoundSeconds">Every round's mean seconds per call, in round order.</param>
    /// <param name="AllocatedBytesPerCall">Managed bytes allocated per timed call by every thread, over all rounds.</param>
    public sealed record Result(double MedianSeconds, IReadOnlyList<double> RoundSeconds, double AllocatedBytesPerCall);

    /// <summary>Warms every subject up, then times <paramref name="rounds"/> interleaved rounds of <paramref name="runs"/> calls each.</summary>
    /// <exception cref="ArgumentException">No subjects, or fewer than one round or run (of the call or of a subject).</exception>
    public static IReadOnlyList<Result> Measure(IReadOnlyList<Subject> subjects, int runs, int rounds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        if (subjects.Count == 0) throw new ArgumentException("At least one subject is needed.", nameof(subjects));
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        foreach (var subject in subjects)
            if (subject.Runs is < 1) throw new ArgumentOutOfRangeException(nameof(subjects), subject.Runs, $"Subject '{subject.Name}' has {subject.Runs} runs per round; at least 1 is needed.");
        foreach (var subject in subjects) Warmup.Run(subject.Call, Warmup.Step);

        var seconds = subjects.Select(_ => new double[rounds]).ToArray();
        var allocated = new long[subjects.Count];
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < subjects.Count; turn++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int s = (turn + round) % subjects.Count;
                int calls = RunsOf(subjects[s], runs);
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++) subjects[s].Call();
                seconds[s][round] = clock.Elapsed.TotalSeconds / calls;
                allocated[s] += GC.GetTotalAllocatedBytes(precise: true) - before;
            }
        }
        for (int s = 0; s < subjects.Count; s++)
            Console.WriteLine($"  {subjects[s].Name}: {string.Join(" ", seconds[s].Select(x => FormattableString.Invariant($"{x * 1e3:0.0}")))} ms per call by round");
        return seconds.Select((rows, s) => new Result(Median(rows), rows, allocated[s] / (double)(RunsOf(subjects[s], runs) * rounds))).ToArray();
    }

    private static int RunsOf(Subject subject, int runs) => subject.Runs ?? runs;

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("The median of no values is undefined.", nameof(values));
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
