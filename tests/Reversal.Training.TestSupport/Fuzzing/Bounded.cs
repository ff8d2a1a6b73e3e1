using NUnit.Framework;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// Runs one load on a worker thread with a time limit, measuring the bytes it allocates: the regression corpus uses it
/// to assert that a crafted input is refused with the right exception, quickly and within bounded memory.
/// </summary>
public static class Bounded
{
    /// <summary>The time limit of a regression input (issue 16: under 1 s).</summary>
    public static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs <paramref name="load"/> twice on a thread of its own, the first time to pay for JIT compilation and static
    /// initialisation, and measures the second; fails the test when that does not finish within <paramref name="time"/>.
    /// </summary>
    /// <returns>What the measured run threw (or null), the bytes it allocated and how long it took.</returns>
    public static LoadOutcome Run(Action load, TimeSpan time)
    {
        ArgumentNullException.ThrowIfNull(load);
        RunOnThread(load, TimeSpan.FromSeconds(60), "warm-up");
        return RunOnThread(load, time, "measured");
    }

    private static LoadOutcome RunOnThread(Action load, TimeSpan time, string what)
    {
        LoadOutcome outcome = default;
        var thread = new Thread(() => outcome = LoadOutcome.Measure(load)) { IsBackground = true, Name = "bounded load" };
        thread.Start();
        if (!thread.Join(time)) Assert.Fail($"the {what} load did not finish within {time.TotalSeconds:0.#} s");
        return outcome;
    }

    /// <summary>Asserts that <paramref name="load"/> throws <typeparamref name="TException"/> within <paramref name="time"/>
    /// allocating at most <paramref name="maxAllocatedBytes"/>; returns the exception.</summary>
    public static TException Throws<TException>(Action load, TimeSpan time, long maxAllocatedBytes) where TException : Exception
    {
        var (exception, allocated, elapsed) = Run(load, time);
        Assert.That(exception, Is.InstanceOf<TException>(), $"expected {typeof(TException).Name}, got {exception?.ToString() ?? "no exception"}");
        Assert.That(allocated, Is.LessThanOrEqualTo(maxAllocatedBytes), $"allocated {allocated:N0} bytes in {elapsed.TotalMilliseconds:0} ms");
        return (TException)exception!;
    }

    /// <summary>Asserts that <paramref name="load"/> completes within <paramref name="time"/> allocating at most <paramref name="maxAllocatedBytes"/>.</summary>
    public static void Completes(Action load, TimeSpan time, long maxAllocatedBytes)
    {
        var (exception, allocated, elapsed) = Run(load, time);
        Assert.That(exception, Is.Null, () => $"expected the load to succeed, got {exception}");
        Assert.That(allocated, Is.LessThanOrEqualTo(maxAllocatedBytes), $"allocated {allocated:N0} bytes in {elapsed.TotalMilliseconds:0} ms");
    }
}
