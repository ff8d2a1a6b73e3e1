namespace Reversal.Training.Engine.Runtime;

/// <summary>
/// The thread budget of the CPU kernels: a process default (<see cref="MaxThreads"/>) and a per-flow override
/// (<see cref="UseThreads"/>) so that trainers running at the same time can each have their own.
/// </summary>
/// <remarks>
/// <para>Every kernel partitions work over independent outputs only (never splits a reduction across threads; where
/// SGEMM cuts a deep weight-gradient product into ranges of k, the cuts depend on the shape alone), so results are
/// bit-identical for any thread count — and therefore for any mix of concurrent trainers.</para>
/// <para>Thread safety: every member may be called from any thread. <see cref="UseThreads"/> scopes follow the
/// logical flow (an <see cref="AsyncLocal{T}"/>): they cross <c>await</c>s and reach tasks started inside them, and do
/// not affect other threads or flows.</para>
/// </remarks>
public static class Compute
{
    private static int _maxThreads = Environment.ProcessorCount;
    private static readonly AsyncLocal<int?> s_flowThreads = new();

    /// <summary>True on a thread currently running a <see cref="For"/> body: nested calls then run serially.</summary>
    [ThreadStatic] private static bool t_inParallelRegion;

    /// <summary>The process default: upper bound on worker threads a single kernel call may use (default: <see cref="Environment.ProcessorCount"/>).</summary>
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

    /// <summary>The budget that applies here: the innermost <see cref="UseThreads"/> of this flow, else <see cref="MaxThreads"/>.</summary>
    public static int CurrentMaxThreads => s_flowThreads.Value ?? _maxThreads;

    /// <summary>
    /// Uses at most <paramref name="threads"/> threads per kernel call in this logical flow (this thread, the
    /// <c>await</c>s that follow and the tasks it starts) until the returned scope is disposed; scopes nest. Give each
    /// of several concurrent trainers its own budget with it: <c>using (Compute.UseThreads(1)) trainer.Fit(...)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public static ThreadsScope UseThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var previous = s_flowThreads.Value;
        s_flowThreads.Value = threads;
        return new ThreadsScope(previous);
    }

    /// <summary>Restores the enclosing budget when disposed (see <see cref="UseThreads"/>).</summary>
    public readonly struct ThreadsScope : IDisposable
    {
        private readonly int? _previous;

        internal ThreadsScope(int? previous) => _previous = previous;

        /// <summary>Ends the scope.</summary>
        public void Dispose() => s_flowThreads.Value = _previous;
    }

    /// <summary>
    /// How long the engine's helper threads keep spinning for the next parallel region before they park (default
    /// 200 µs). Spinning lets the many short regions of a training step start within a microsecond instead of waiting for
    /// a parked thread to wake; a host that shares the cores with other busy work can lower it (zero parks at once).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static TimeSpan HelperSpinTime
    {
        get => WorkerPool.Shared.SpinTime;
        set => WorkerPool.Shared.SpinTime = value;
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>), in parallel when
    /// <see cref="CurrentMaxThreads"/> &gt; 1. Each index must write disjoint outputs. A call made from inside another
    /// <see cref="For"/> body runs serially on its thread (kernels such as SGEMM nest inside parallel attention tasks
    /// without oversubscribing the cores). Regions run on the engine's own helper threads (<see cref="WorkerPool"/>), or
    /// on the thread pool while another flow's region holds them. The first exception a body throws is rethrown as
    /// itself, once the other indices have finished or been skipped.
    /// </summary>
    internal static void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        int threads = CurrentMaxThreads;
        if (threads == 1 || count == 1 || t_inParallelRegion)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        t_inParallelRegion = true;
        try
        {
            if (WorkerPool.Shared.TryRun(count, body, threads)) return;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                bool outer = t_inParallelRegion;
                t_inParallelRegion = true;
                try { body(i); }
                finally { t_inParallelRegion = outer; }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        finally
        {
            t_inParallelRegion = false;
        }
    }

    /// <summary>Marks the calling thread as a helper of <see cref="WorkerPool"/>: every region it runs is nested.</summary>
    internal static void EnterHelperThread() => t_inParallelRegion = true;
}
