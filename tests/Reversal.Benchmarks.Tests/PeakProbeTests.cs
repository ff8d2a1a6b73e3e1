using NUnit.Framework;
using Reversal.Benchmarks.Limits;

namespace Reversal.Benchmarks.Tests;

[TestFixture]
public sealed class PeakProbeTests
{
    [Test]
    public void RoundGflops_TakesTheLastCalls_OneRateEachRound()
    {
        var probe = new PeakProbe(threads: 1, iterations: 20_000);
        Assert.That(probe.Subject.Runs, Is.EqualTo(1), "one call a round");
        for (int call = 0; call < 4; call++) probe.Subject.Call();    // one warm-up call, then 3 rounds
        var rates = probe.RoundGflops(rounds: 3);
        Assert.That(rates, Has.Count.EqualTo(3));
        Assert.That(rates, Has.All.GreaterThan(0.0).And.All.LessThan(double.PositiveInfinity));
    }

    [Test]
    public void MedianShare_PairsEachRoundWithItsPeak()
    {
        // 10 GFLOP in 0.1 s = 100 GFLOP/s each round; peaks 200, 400, 125: shares 0.5, 0.25, 0.8; median 0.5.
        Assert.That(PeakProbe.MedianShare(10, [0.1, 0.1, 0.1], [200, 400, 125]), Is.EqualTo(0.5).Within(1e-12));
        // Paired, not pooled: a slow round beside a slow peak counts as a full share.
        Assert.That(PeakProbe.MedianShare(10, [0.2, 0.1, 0.1], [50, 100, 100]), Is.EqualTo(1.0).Within(1e-12));
        Assert.Throws<ArgumentException>(() => PeakProbe.MedianShare(10, [0.1, 0.1], [100]));
    }

    [Test]
    public void RoundGflops_FewerCallsThanTheRoundsNeed_Throws()
    {
        var probe = new PeakProbe(threads: 1, iterations: 1_000);
        for (int call = 0; call < 2; call++) probe.Subject.Call();
        var error = Assert.Throws<InvalidOperationException>(() => probe.RoundGflops(rounds: 3))!;
        Assert.That(error.Message, Does.Contain("2 times").And.Contain("3 rounds"));
        Assert.Throws<ArgumentOutOfRangeException>(() => probe.RoundGflops(rounds: 0));
    }
}
