using Reversal.Benchmarks.Compare;

namespace Reversal.Benchmarks.Limits;

/// <summary>
/// The FMA peak sampled in the same interleaved rounds as the train steps (<see cref="InterleavedRounds"/>): a
/// subject called once a round, each call one <see cref="FmaPeak.Run"/> as long as a trial of the best-of-three peak,
/// so each round has a peak measured in the same minute as its steps.
/// </summary>
/// <remarks>
/// On a shared virtual machine the clock, and with it both the peak and the step, drifts by 10–20% within minutes (the
/// FMA peak read 389–441 GFLOP/s in the compare runs of one day and up to 476 in harness runs). A utilisation that divides a step
/// timed in one minute by a peak timed in another carries that drift; pairing each round's steps with that round's
/// peak removes it, and the median over rounds drops a round a neighbour's burst slowed. The runs are as long as the
/// best-of-three peak's (by default 200 million iterations, a third of a second): ten runs a tenth as long, with their
/// threads' start and join around each, read 2.6–6.5% below a long run in the same minute, which would have raised the
/// utilisation as much.
/// </remarks>
/// <param name="threads">Threads of every probe run.</param>
/// <param name="iterations">Loop iterations per thread of one probe run (the one call of <see cref="Subject"/> in each round).</param>
public sealed class PeakProbe(int threads, long iterations)
{
    private readonly List<double> _seconds = [];

    /// <summary>The subject to time with the steps, once a round: each call runs the FMA loop once and records its seconds.</summary>
    public InterleavedRounds.Subject Subject => new($"FMA peak probe ({threads} threads)", () => _seconds.Add(FmaPeak.Run(threads, iterations)), Runs: 1);

    /// <summary>
    /// GFLOP/s of each round, in round order: the last <paramref name="rounds"/> calls, one a round (the warm-up's
    /// calls come first), each its FMA work over its seconds.
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer calls were recorded than there are rounds.</exception>
    public IReadOnlyList<double> RoundGflops(int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        int first = _seconds.Count - rounds;
        if (first < 0) throw new InvalidOperationException($"The probe ran {_seconds.Count} times but {rounds} rounds need one run each.");
        double flopsPerCall = threads * iterations * FmaPeak.FlopsPerIteration;
        return _seconds.Skip(first).Select(seconds => flopsPerCall / seconds / 1e9).ToArray();
    }

    /// <summary>
    /// The share of the peak a call used, paired by round: the median over rounds of
    /// <c>gigaflops / roundSeconds[r] / roundPeaks[r]</c> (a call's GFLOP over its mean seconds in round r, over that
    /// round's peak in GFLOP/s, <see cref="RoundGflops"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The two lists differ in length or are empty.</exception>
    public static double MedianShare(double gigaflops, IReadOnlyList<double> roundSeconds, IReadOnlyList<double> roundPeaks)
    {
        ArgumentNullException.ThrowIfNull(roundSeconds);
        ArgumentNullException.ThrowIfNull(roundPeaks);
        if (roundSeconds.Count != roundPeaks.Count)
            throw new ArgumentException($"{roundSeconds.Count} rounds of seconds but {roundPeaks.Count} round peaks.", nameof(roundPeaks));
        return InterleavedRounds.Median(roundSeconds.Select((seconds, round) => gigaflops / seconds / roundPeaks[round]).ToArray());
    }
}
