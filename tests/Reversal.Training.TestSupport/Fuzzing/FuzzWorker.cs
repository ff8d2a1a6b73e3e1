using System.Diagnostics;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// A background thread that loads the inputs of a plan from a start index on, one after the other (no hand-off per
/// input), publishing which input it is on and since when, so that the caller can declare that input hung, abandon
/// the thread and go on with a new worker after it.
/// </summary>
internal sealed class FuzzWorker
{
    private readonly FuzzPlan _plan;
    private readonly Action<byte[]> _load;
    private readonly Action<int, string, byte[], LoadOutcome> _record;
    private readonly Lock _gate;
    private readonly Thread _thread;
    private int _current = -1;
    private long _startedAt;
    private bool _abandoned;

    /// <param name="plan">The inputs.</param>
    /// <param name="from">The first input to load.</param>
    /// <param name="load">Loads one input.</param>
    /// <param name="record">Receives each outcome, called under <paramref name="gate"/> (never after <see cref="TryAbandon"/>).</param>
    /// <param name="gate">Shared with the caller, so that an outcome and a hang verdict never both count for one input.</param>
    /// <param name="name">Thread name.</param>
    public FuzzWorker(FuzzPlan plan, int from, Action<byte[]> load, Action<int, string, byte[], LoadOutcome> record, Lock gate, string name)
    {
        _plan = plan;
        _load = load;
        _record = record;
        _gate = gate;
        _thread = new Thread(() => Loop(from)) { IsBackground = true, Name = "fuzz " + name };
        _thread.Start();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the worker to finish its inputs.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>The input being loaded and how long it has been loading, or null between inputs.</summary>
    public (int Index, TimeSpan Elapsed)? Current
    {
        get
        {
            lock (_gate)
                return _current < 0 ? null : (_current, Stopwatch.GetElapsedTime(_startedAt));
        }
    }

    /// <summary>Gives up on the worker if it is still on input <paramref name="index"/>; its later outcomes are dropped.</summary>
    /// <returns>True when abandoned (the input counts as hung); false when it had moved on meanwhile.</returns>
    public bool TryAbandon(int index)
    {
        lock (_gate)
        {
            if (_current != index) return false;
            _abandoned = true;
            return true;
        }
    }

    private void Loop(int from)
    {
        for (int i = from; i < _plan.Count; i++)
        {
            var (mutation, input) = _plan[i];
            lock (_gate)
            {
                if (_abandoned) return;
                _current = i;
                _startedAt = Stopwatch.GetTimestamp();
            }
            var outcome = LoadOutcome.Measure(() => _load(input));
            lock (_gate)
            {
                if (_abandoned) return;
                _current = -1;
                _record(i, mutation, input, outcome);
            }
        }
    }
}
