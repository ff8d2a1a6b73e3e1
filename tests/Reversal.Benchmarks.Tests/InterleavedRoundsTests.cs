using Reversal.Benchmarks.Compare;

namespace Reversal.Benchmarks.Tests;

/// <summary>
/// The timing protocol behind every engine-against-engine row of <c>compare</c>: each subject's warm-up, then rounds in
/// which every subject runs in turn (the first subject rotating), and the median of the round means. (Each measurement
/// here takes the real warm-up, 3 seconds per subject.)
/// </summary>
[TestFixture]
public sealed class InterleavedRoundsTests
{
    [Test]
    public void The_median_is_the_middle_value_or_the_mean_of_the_middle_two()
    {
        Assert.Multiple(() =>
        {
            Assert.That(InterleavedRounds.Median([5.0]), Is.EqualTo(5.0));
            Assert.That(InterleavedRounds.Median([3.0, 1.0, 2.0]), Is.EqualTo(2.0));
            Assert.That(InterleavedRounds.Median([4.0, 1.0, 3.0, 2.0]), Is.EqualTo(2.5));
            Assert.That(InterleavedRounds.Median([1.0, 100.0, 2.0, 3.0, 2.5]), Is.EqualTo(2.5), "one slow round does not move it");
        });
    }

    [Test]
    public void The_median_of_nothing_is_refused() =>
        Assert.Throws<ArgumentException>(() => InterleavedRounds.Median([]));

    [Test]
    public void Bad_arguments_are_refused()
    {
        var subject = new InterleavedRounds.Subject("x", () => { });
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => InterleavedRounds.Measure([], runs: 1, rounds: 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => InterleavedRounds.Measure([subject], runs: 0, rounds: 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => InterleavedRounds.Measure([subject], runs: 1, rounds: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => InterleavedRounds.Measure([subject with { Runs = 0 }], runs: 1, rounds: 1));
        });
    }

    /// <summary>
    /// Every subject is warmed up first (at least twice), then each round runs every subject's calls in turn, starting
    /// one subject later each round, so neither always follows the other; each result is the median of its round means,
    /// and a subject that allocates shows it per timed call.
    /// </summary>
    [Test]
    public void Rounds_interleave_the_subjects_rotate_the_first_and_report_the_median()
    {
        var calls = new List<string>();
        var quiet = new InterleavedRounds.Subject("a", () => { calls.Add("a"); Thread.Sleep(1); });
        var allocating = new InterleavedRounds.Subject("b", () => { calls.Add("b"); GC.KeepAlive(new byte[100_000]); Thread.Sleep(1); });
        const int runs = 2, rounds = 3;
        var results = InterleavedRounds.Measure([quiet, allocating], runs, rounds);

        var timed = calls.Skip(calls.Count - 2 * runs * rounds).ToArray();
        var warmup = calls.Take(calls.Count - timed.Length).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(string.Concat(timed), Is.EqualTo("aabb" + "bbaa" + "aabb"), "rounds in turn, the first subject rotating");
            Assert.That(warmup.Count(c => c == "a"), Is.GreaterThanOrEqualTo(2));
            Assert.That(warmup.Count(c => c == "b"), Is.GreaterThanOrEqualTo(2));
            Assert.That(string.Concat(warmup), Does.Match("^a+b+$"), "each subject warmed up in turn before the rounds");
            Assert.That(results, Has.Count.EqualTo(2));
            foreach (var result in results)
            {
                Assert.That(result.RoundSeconds, Has.Count.EqualTo(rounds));
                Assert.That(result.MedianSeconds, Is.EqualTo(InterleavedRounds.Median(result.RoundSeconds)));
                Assert.That(result.MedianSeconds, Is.GreaterThanOrEqualTo(0.001), "a round mean is seconds per call (each sleeps 1 ms)");
            }
            Assert.That(results[1].AllocatedBytesPerCall, Is.GreaterThanOrEqualTo(100_000));
            Assert.That(results[0].AllocatedBytesPerCall, Is.LessThan(100_000));
        });
    }

    /// <summary>A subject with runs of its own (a long probe, once a round) gets that many calls a round; the others get <c>runs</c>.</summary>
    [Test]
    public void A_subject_with_its_own_runs_is_called_that_often_each_round()
    {
        var calls = new List<string>();
        var step = new InterleavedRounds.Subject("a", () => calls.Add("a"));
        var probe = new InterleavedRounds.Subject("p", () => calls.Add("p"), Runs: 1);
        var results = InterleavedRounds.Measure([step, probe], runs: 3, rounds: 2);
        var timed = calls.Skip(calls.Count - 2 * (3 + 1)).ToArray();
        Assert.That(string.Concat(timed), Is.EqualTo("aaap" + "paaa"));
        Assert.That(results.Select(r => r.RoundSeconds.Count), Is.All.EqualTo(2));
    }
}
