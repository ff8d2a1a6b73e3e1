using System.Collections.Concurrent;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Engine.Tests.Runtime;

/// <summary>
/// <see cref="Compute.For"/> and its <see cref="WorkerPool"/>: every index runs once, within the thread budget, on helpers
/// that wake after parking; errors surface as themselves and leave the pool usable; nested and concurrent callers work.
/// </summary>
public class ComputeTests
{
    private static readonly int[] Counts = [1, 2, 3, 7, 64, 257, 1000];

    [Test]
    public void Every_index_runs_exactly_once([ValueSource(nameof(Counts))] int count, [Values(1, 2, 3)] int threads)
    {
        var runs = new int[count];
        using (Compute.UseThreads(threads))
            Compute.For(count, i => Interlocked.Increment(ref runs[i]));
        Assert.That(runs, Is.All.EqualTo(1));
    }

    [Test]
    public void A_region_never_runs_on_more_threads_than_its_budget()
    {
        using var pool = new WorkerPool(3);
        int active = 0, most = 0;
        var threadIds = new ConcurrentDictionary<int, bool>();
        void Body(int i)
        {
            int now = Interlocked.Increment(ref active);
            int seen;
            while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen) { }
            threadIds[Environment.CurrentManagedThreadId] = true;
            Thread.Sleep(1);
            Interlocked.Decrement(ref active);
        }

        Assert.That(pool.TryRun(48, Body, threads: 2), Is.True);
        Assert.That(most, Is.LessThanOrEqualTo(2), "a 2-thread region ran more bodies at once than its budget");

        most = 0;
        threadIds.Clear();
        Assert.That(pool.TryRun(48, Body, threads: 4), Is.True);
        Assert.That(most, Is.LessThanOrEqualTo(4));
        Assert.That(threadIds.Count, Is.GreaterThan(1), "no helper joined a region of sleeping bodies");
    }

    [Test]
    public void Parked_helpers_are_woken_for_the_next_region()
    {
        using var pool = new WorkerPool(1) { SpinTime = TimeSpan.Zero };
        Assert.That(pool.TryRun(2, _ => { }, threads: 2), Is.True);
        for (int round = 0; round < 5; round++)
        {
            Thread.Sleep(20);    // the helper parks at once (no spinning)
            var threadIds = new ConcurrentDictionary<int, bool>();
            var runs = new int[8];
            Assert.That(pool.TryRun(8, i => { threadIds[Environment.CurrentManagedThreadId] = true; Thread.Sleep(5); Interlocked.Increment(ref runs[i]); }, threads: 2), Is.True);
            Assert.That(runs, Is.All.EqualTo(1));
            Assert.That(threadIds.Count, Is.EqualTo(2), $"round {round}: the parked helper was not woken");
        }
    }

    [Test]
    public void An_exception_in_a_body_is_rethrown_as_itself_and_the_helpers_stay_usable()
    {
        using (Compute.UseThreads(2))
        {
            var error = Assert.Throws<InvalidOperationException>(() => Compute.For(100, i =>
            {
                if (i == 37) throw new InvalidOperationException("index 37 failed");
            }));
            Assert.That(error!.Message, Is.EqualTo("index 37 failed"));

            var runs = new int[100];
            Compute.For(100, i => Interlocked.Increment(ref runs[i]));
            Assert.That(runs, Is.All.EqualTo(1));
        }
    }

    [Test]
    public void A_region_inside_a_region_runs_serially_on_the_body_thread()
    {
        var mismatches = 0;
        using (Compute.UseThreads(2))
            Compute.For(8, i =>
            {
                int outer = Environment.CurrentManagedThreadId;
                Compute.For(8, j => { if (Environment.CurrentManagedThreadId != outer) Interlocked.Increment(ref mismatches); });
            });
        Assert.That(mismatches, Is.Zero);
    }

    [Test]
    public void Concurrent_callers_each_run_every_index_once()
    {
        var failures = new ConcurrentBag<string>();
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(() =>
        {
            using var scope = Compute.UseThreads(2);
            for (int round = 0; round < 200; round++)
            {
                int count = 1 + (round * 7 + c) % 50;
                var runs = new int[count];
                Compute.For(count, i => Interlocked.Increment(ref runs[i]));
                if (runs.Any(r => r != 1)) failures.Add($"caller {c}, round {round}: [{string.Join(",", runs)}]");
            }
        })).ToArray();
        Task.WaitAll(callers);
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void A_negative_spin_time_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Compute.HelperSpinTime = TimeSpan.FromMilliseconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new WorkerPool(-1));
    }
}
