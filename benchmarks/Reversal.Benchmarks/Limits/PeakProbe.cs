using Reversal.Benchmarks.Compare;

namespace Reversal.Benchmarks.Limits;

/// <summary>
/// The FMA peak sampled in the same interleaved rounds as the train steps (<see cref="InterleavedRounds"/>): a
/// subject whose every call is one short <see cref="FmaPeak.Run"/>, so each round has a peak measured in the same
/// minute as its steps.
/// </summary>
/// <remarks>
/// On a shared virtual machine the clock, and with it both the peak and the step, drifts by 10–20% within minutes (the
/// best-of-three peak of one compare run measured 389–476 GFLOP/s from run to run). A utilisation that divides a step
/// timed in one minute by a peak timed in another carries that drift; pairing each round's steps with that round's
/// peak removes it, and the median over rounds drops a round a neighbour's burst slowed.
/// </remarks>
/// <param name="threads">Threads of every probe run.</param>
/// <param name="iterations">Loop iterations per thread of one probe run (one call of <see cref="Subject"/>).</param>
public sealed class PeakProbe(int threads, long iterations)
{
    private readonly List<double> _seconds = [];

    /// <summary>The subject to time with the steps: each call runs the FMA loop once and records its seconds.</summary>
    public InterleavedRounds.Subject Subject => new($"FMA peak probe ({threads} threads)", () => _seconds.Add(FmaPeak.Run(threads, iterations)));

    /// <summary>
    /// GFLOP/s of each round, in round order: the FMA work of the round's <paramref name="runs"/> calls over their
    /// seconds. The rounds are the last <paramref name="rounds"/> × <paramref name="runs"/> calls (the warm-up's calls
    /// come first).
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer calls were recorded than the rounds need.</exception>
    public IReadOnlyList<double> RoundGflops(int rounds, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        int first = _seconds.Count - rounds * runs;
        if (first < 0) throw new InvalidOperationException($"The probe ran {_seconds.Count} times but {rounds} rounds of {runs} calls need {rounds * runs}.");
        double flopsPerCall = threads * iterations * FmaPeak.FlopsPerIteration;
        return Enumerable.Range(0, rounds)
            .Select(round => flopsPerCall * runs / _seconds.Skip(first + round * runs).Take(runs).Sum() / 1e9)
            .ToArray();
    }
}
