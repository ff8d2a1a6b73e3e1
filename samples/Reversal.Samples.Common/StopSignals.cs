using System.Runtime.InteropServices;

namespace Reversal.Samples.Common;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM for a long-running program: the first signal cancels <see cref="Token"/> so work stops at
/// its next step boundary (and writes what it keeps); a second signal ends the process at once. The conventional exit
/// code of the signal received is <see cref="ExitCode"/>: 130 for SIGINT, 143 for SIGTERM.
/// </summary>
/// <remarks>Registered through <see cref="PosixSignalRegistration"/>, which also maps Ctrl+C and Ctrl+Break on Windows.</remarks>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public StopSignals()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The signal received first, or null.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>130 after SIGINT, 143 after SIGTERM (128 + the signal number), or null when none arrived.</summary>
    public int? ExitCode => Received switch
    {
        PosixSignal.SIGINT => 130,
        PosixSignal.SIGTERM => 143,
        _ => null,
    };

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // do not let the runtime terminate the process: we stop at a step boundary
        if (Interlocked.Increment(ref _received) == 1)
        {
            Received = context.Signal;
            Console.Error.WriteLine($"{context.Signal} received: stopping at the next step boundary (send it again to exit at once).");
            _stop.Cancel();
            return;
        }
        Console.Error.WriteLine($"{context.Signal} received again: exiting now.");
        Environment.Exit(context.Signal == PosixSignal.SIGINT ? 130 : 143);
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stop.Dispose();
    }
}
