using System.Diagnostics;

namespace Reversal.Training.Engine.Runtime;

/// <summary>What part of a step a profile entry timed.</summary>
public enum ProfilePhase
{
    /// <summary>An operation's forward: from the end of the previous operation (or the last mark) to its own end, so
    /// the bookkeeping between operations is charged to the operation that follows it.</summary>
    Forward,

    /// <summary>An operation's backward function.</summary>
    Backward,

    /// <summary>A named stretch outside the autograd graph (optimizer step, gradient clipping, zeroing gradients).</summary>
    Other,
}

/// <summary>Wall time and call count of one operation and phase in an <see cref="OperationProfile"/>.</summary>
/// <param name="Operation">The operation's tape name (e.g. <c>Linear</c>, <c>ScaledDotProductAttention</c>) or the name
/// of an <see cref="ProfilePhase.Other"/> stretch (e.g. <c>AdamW.Step</c>).</param>
/// <param name="Phase">Forward, backward or other.</param>
/// <param name="Time">Total wall time.</param>
/// <param name="Calls">Times it ran.</param>
public sealed record OperationTime(string Operation, ProfilePhase Phase, TimeSpan Time, long Calls);

/// <summary>
/// Wall time of a stretch of our engine's work split by operation: the forward of every operation on the tape, every
/// backward function, and the named stretches the training session marks (the AdamW step, clipping, zeroing
/// gradients). Start one, run training steps, dispose it and read <see cref="Entries"/>; time the whole stretch
/// yourself to see what no entry covers.
/// </summary>
/// <remarks>
/// One profile at a time per process (a second <see cref="Start"/> throws until the first is disposed), timing the
/// operations of every thread that runs engine work meanwhile: profile one training flow at a time. With no profile
/// active the hooks cost one static read per operation. Times are wall-clock on the calling thread, so an operation's
/// time includes its parallel workers.
/// </remarks>
public sealed class OperationProfile : IDisposable
{
    private static OperationProfile? s_active;

    private readonly Dictionary<(string, ProfilePhase), (long Ticks, long Calls)> _entries = new();
    private readonly Lock _lock = new();
    private long _mark;

    private OperationProfile() => _mark = Stopwatch.GetTimestamp();

    /// <summary>Starts profiling.</summary>
    /// <exception cref="InvalidOperationException">Another profile is active.</exception>
    public static OperationProfile Start()
    {
        var profile = new OperationProfile();
        if (Interlocked.CompareExchange(ref s_active, profile, null) is not null)
            throw new InvalidOperationException("Another OperationProfile is active; dispose it before starting one.");
        return profile;
    }

    /// <summary>Every timed operation and phase so far, longest first.</summary>
    public IReadOnlyList<OperationTime> Entries
    {
        get
        {
            lock (_lock)
                return [.. _entries.Select(e => new OperationTime(e.Key.Item1, e.Key.Item2, Stopwatch.GetElapsedTime(0, e.Value.Ticks), e.Value.Calls))
                    .OrderByDescending(e => e.Time)];
        }
    }

    /// <summary>Stops profiling (the entries stay readable).</summary>
    public void Dispose() => Interlocked.CompareExchange(ref s_active, null, this);

    /// <summary>True while a profile is active.</summary>
    internal static bool IsActive => s_active is not null;

    /// <summary>Restarts the forward clock: the time since the last operation is not charged to the next one.</summary>
    internal static void Mark()
    {
        var profile = s_active;
        if (profile is not null) profile._mark = Stopwatch.GetTimestamp();
    }

    /// <summary>Charges the time since the last operation (or mark) to <paramref name="operation"/>'s forward.</summary>
    internal static void ForwardDone(string operation)
    {
        var profile = s_active;
        if (profile is null) return;
        long now = Stopwatch.GetTimestamp();
        profile.Add(operation, ProfilePhase.Forward, now - profile._mark);
        profile._mark = now;
    }

    /// <summary>Runs <paramref name="action"/>, charging its time to <paramref name="operation"/> in
    /// <paramref name="phase"/> when a profile is active.</summary>
    internal static void Time(string operation, ProfilePhase phase, Action action)
    {
        var profile = s_active;
        if (profile is null)
        {
            action();
            return;
        }
        long start = Stopwatch.GetTimestamp();
        action();
        long end = Stopwatch.GetTimestamp();
        profile.Add(operation, phase, end - start);
        profile._mark = end;
    }

    private void Add(string operation, ProfilePhase phase, long ticks)
    {
        lock (_lock)
        {
            var (total, calls) = _entries.GetValueOrDefault((operation, phase));
            _entries[(operation, phase)] = (total + ticks, calls + 1);
        }
    }
}
