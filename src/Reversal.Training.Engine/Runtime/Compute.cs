namespace Reversal.Training.Engine.Runtime;

/// <summary>
/// Process-wide compute settings for the CPU kernels.
/// </summary>
/// <remarks>
/// Every kernel partitions work over independent outputs only (never splits a reduction across threads),
/// so results are bit-identical for any <see cref="MaxThreads"/> value.
/// </remarks>
public static class Compute
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>True on a thread currently running a <see cref="For"/> body: nested calls then run serially.</summary>
    [ThreadStatic] private static bool t_inParallelRegion;

    /// <summary>Upper bound on worker threads a single kernel call may use (default: <see cref="Environment.ProcessorCount"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxThreads));
            _maxThreads = value;
        }
    }

    /// <summary>Parallel options honouring <see cref="MaxThreads"/>.</summary>
    internal static ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = _maxThreads };

    /// <summary>
    /// Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>), in parallel when
    /// <see cref="MaxThreads"/> &gt; 1. Each index must write disjoint outputs. A call made from inside another
    /// <see cref="For"/> body runs serially on its thread (kernels such as SGEMM nest inside parallel attention tasks
    /// without oversubscribing the cores).
    /// </summary>
    internal static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (_maxThreads == 1 || count == 1 || t_inParallelRegion)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, ParallelOptions, i =>
        {
            bool outer = t_inParallelRegion;
            t_inParallelRegion = true;
            try { body(i); }
            finally { t_inParallelRegion = outer; }
        });
    }
}
