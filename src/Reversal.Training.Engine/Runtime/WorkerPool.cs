using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Reversal.Training.Engine.Runtime;

/// <summary>
/// The engine's own helper threads for <see cref="Compute.For"/>: <c>ProcessorCount − 1</c> background threads that
/// wait for a parallel region by spinning for <see cref="SpinTime"/> after their last one, then park until woken.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> A training step runs about 150 short parallel regions (SGEMM tiles, attention tasks, row blocks).
/// Through <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> each one hands work to a thread-pool worker,
/// which takes about 60 µs to start when it has been idle for half a millisecond or more: at a few hundred microseconds
/// per region that is a large share. A helper that is still spinning picks a region up within a microsecond.</para>
/// <para><b>Protocol.</b> The caller publishes an immutable <see cref="Region"/> (indices are claimed in chunks with an
/// atomic counter), wakes the parked helpers it may use, works on the region itself and returns once every index is
/// done. A helper joins only while seats are left (the caller's thread budget), so a region never runs on more threads
/// than <see cref="Compute.CurrentMaxThreads"/>. One region runs at a time: a caller that finds the pool busy (another
/// trainer on another thread) is told so and uses the thread pool instead.</para>
/// <para><b>Parking.</b> A helper announces it is parked, re-checks for a region, and blocks on its own semaphore. The
/// caller, after publishing, clears each announcement with a compare-exchange and releases only the helpers whose
/// announcement it cleared, so a release is never lost and never left over (a Dekker-style handshake on full fences).</para>
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>The process-wide pool (no threads start until the first region).</summary>
    public static readonly WorkerPool Shared = new(Math.Max(0, Environment.ProcessorCount - 1));

    private readonly int _size;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _parked;
    private readonly object _startLock = new();
    private bool _started;
    private Region? _current;
    private int _busy;
    private volatile bool _disposed;
    private long _spinTicks = Stopwatch.Frequency / 1_000_000 * 200;

    /// <summary>A pool of <paramref name="helpers"/> helper threads (started on first use).</summary>
    public WorkerPool(int helpers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(helpers);
        _size = helpers;
        _wake = new SemaphoreSlim[helpers];
        _parked = new int[helpers];
        for (int w = 0; w < helpers; w++) _wake[w] = new SemaphoreSlim(0);
    }

    /// <summary>How long a helper keeps spinning for the next region before it parks (default 200 µs; zero parks at once).</summary>
    public TimeSpan SpinTime
    {
        get => TimeSpan.FromSeconds((double)Interlocked.Read(ref _spinTicks) / Stopwatch.Frequency);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(SpinTime));
            Interlocked.Exchange(ref _spinTicks, (long)(value.TotalSeconds * Stopwatch.Frequency));
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every index in <c>[0, count)</c> on this thread and up to
    /// <paramref name="threads"/> − 1 helpers, and returns true; returns false without running anything when the pool
    /// has no helpers or is running another caller's region. The first exception a body throws is rethrown (with its
    /// own stack trace) after every index has finished or been skipped.
    /// </summary>
    public bool TryRun(int count, Action<int> body, int threads)
    {
        if (_size == 0 || _disposed || Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        Region region;
        try
        {
            EnsureStarted();
            int helpers = Math.Min(Math.Min(threads - 1, _size), count - 1);
            region = new Region(count, body, helpers, chunk: Math.Max(1, count / ((helpers + 1) * 4)));
            Interlocked.Exchange(ref _current, region);
            for (int w = 0; w < helpers; w++)
                if (Interlocked.CompareExchange(ref _parked[w], 0, 1) == 1) _wake[w].Release();
            region.Work();
            var spin = new SpinWait();
            while (Volatile.Read(ref region.Done) < count) spin.SpinOnce(sleep1Threshold: -1);
            // Helpers that see no region keep spinning (or park); the body and its captures are not kept alive.
            Volatile.Write(ref _current, null);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
        region.Error?.Throw();
        return true;
    }

    /// <summary>Stops the helper threads once they finish any region they are in (later calls of <see cref="TryRun"/> return false).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int w = 0; w < _size; w++)
            if (Interlocked.CompareExchange(ref _parked[w], 0, 1) == 1) _wake[w].Release();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _started)) return;
        lock (_startLock)
        {
            if (_started) return;
            for (int w = 0; w < _size; w++)
            {
                int index = w;
                new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"Reversal compute helper {index + 1}" }.Start();
            }
            Volatile.Write(ref _started, true);
        }
    }

    private void HelperLoop(int w)
    {
        Compute.EnterHelperThread();
        Region? seen = null;
        while (!_disposed)
        {
            var region = Volatile.Read(ref _current);
            if (region != seen)
            {
                seen = region;
                if (region is not null && Interlocked.Decrement(ref region.Seats) >= 0) region.Work();
                continue;
            }

            long deadline = Stopwatch.GetTimestamp() + Interlocked.Read(ref _spinTicks);
            var spin = new SpinWait();
            while (Volatile.Read(ref _current) == seen && !_disposed && Stopwatch.GetTimestamp() < deadline) spin.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _current) != seen || _disposed) continue;

            Interlocked.Exchange(ref _parked[w], 1);
            // A region published (or a disposal made) after the announcement is seen here or wakes us; if one came before
            // it and did not clear our announcement, we take the announcement back ourselves.
            if ((Volatile.Read(ref _current) != seen || _disposed) && Interlocked.CompareExchange(ref _parked[w], 0, 1) == 1) continue;
            _wake[w].Wait();
        }
    }

    /// <summary>One parallel region: its indices, claimed in chunks, and the seats left for helpers.</summary>
    private sealed class Region(int count, Action<int> body, int seats, int chunk)
    {
        private int _next;

        /// <summary>Indices finished (or skipped after an error).</summary>
        public int Done;

        /// <summary>Helpers that may still join; a helper takes a seat by decrementing it to zero or more.</summary>
        public int Seats = seats;

        /// <summary>The first exception a body threw.</summary>
        public ExceptionDispatchInfo? Error;

        /// <summary>Claims chunks of indices and runs them until none are left.</summary>
        public void Work()
        {
            while (true)
            {
                int start = Interlocked.Add(ref _next, chunk) - chunk;
                if (start >= count) return;
                int end = Math.Min(count, start + chunk);
                for (int i = start; i < end; i++)
                {
                    if (Volatile.Read(ref Error) is not null) break;
                    try { body(i); }
                    catch (Exception e) { Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null); }
                }
                Interlocked.Add(ref Done, end - start);
            }
        }
    }
}
