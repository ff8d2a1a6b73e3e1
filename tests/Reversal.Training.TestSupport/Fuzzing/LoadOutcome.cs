namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>What one load did.</summary>
/// <param name="Exception">What it threw, or null when it loaded.</param>
/// <param name="AllocatedBytes">Bytes allocated on the loading thread during the load.</param>
/// <param name="Elapsed">Wall-clock time of the load.</param>
public readonly record struct LoadOutcome(Exception? Exception, long AllocatedBytes, TimeSpan Elapsed)
{
    /// <summary>Runs <paramref name="load"/> on the current thread and measures it.</summary>
    public static LoadOutcome Measure(Action load)
    {
        Exception? caught = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            load();
        }
        catch (Exception ex)
        {
            caught = ex;
        }
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return new LoadOutcome(caught, GC.GetAllocatedBytesForCurrentThread() - before, elapsed);
    }
}
