using System.CommandLine;
using System.Diagnostics;
using Reversal.Benchmarks.Compare;
using Reversal.Samples.Common;

namespace Reversal.Benchmarks.Limits;

/// <summary>
/// Another busy process beside a measurement, as on a shared machine: this program's hidden <c>spin</c> command, which
/// keeps one core busy with a single-threaded arithmetic loop until it is stopped.
/// </summary>
/// <remarks>
/// The child never outlives the measurement: <see cref="Dispose"/> kills it (callers hold it in a <c>using</c>, so an
/// exception or a first Ctrl+C, which ends the run at the next measurement boundary, stops it too); a second Ctrl+C
/// exits this process at once, and the process-exit handler kills it then; should this process die without running
/// any handler, the child sees its standard input close and stops; and it stops by itself after its
/// <c>--seconds</c> limit in any case.
/// </remarks>
public sealed class BusyNeighbour : IDisposable
{
    private const string CommandName = "spin", Spinning = "spinning";
    private readonly Process _process;
    private readonly EventHandler _stopOnExit;

    private BusyNeighbour(Process process)
    {
        _process = process;
        _stopOnExit = (_, _) => Stop();
        AppDomain.CurrentDomain.ProcessExit += _stopOnExit;
    }

    /// <summary>Starts the busy child process and returns once it is spinning.</summary>
    /// <param name="maxSeconds">The child's own time limit, a bound in case nothing else stops it.</param>
    /// <exception cref="InvalidOperationException">The child did not start spinning.</exception>
    public static BusyNeighbour Start(int maxSeconds = 3600)
    {
        var neighbour = new BusyNeighbour(SelfProcess.Start([CommandName, "--seconds", maxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectInput: true));
        if (neighbour._process.StandardOutput.ReadLine() == Spinning) return neighbour;
        neighbour.Dispose();
        throw new InvalidOperationException("The busy child process (spin) did not start.");
    }

    /// <summary>Kills the child process and waits for it to end.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _stopOnExit;
        Stop();
        _process.Dispose();
    }

    private void Stop()
    {
        try
        {
            if (_process.HasExited) return;
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // It has already ended (or was never started).
        }
    }

    /// <summary>
    /// The hidden <c>spin --seconds N</c> command: prints "spinning", then runs a dependent multiply-add chain on one
    /// thread until N seconds have passed, a stop signal arrives or its standard input (when redirected) closes.
    /// </summary>
    public static Command CreateCommand()
    {
        var seconds = new Option<int>("--seconds") { Description = "Stop after this many seconds.", DefaultValueFactory = _ => 600 }.AtLeast(1);
        var spin = new Command(CommandName, "Internal: keeps one core busy for the compare command's busy group.") { seconds };
        spin.Hidden = true;
        spin.SetAction((parse, cancellationToken) =>
        {
            var limit = TimeSpan.FromSeconds(parse.GetValue(seconds));
            int inputClosed = 0;
            if (Console.IsInputRedirected)
            {
                new Thread(() =>
                {
                    try
                    {
                        while (Console.In.Read() >= 0) { }
                    }
                    catch (IOException)
                    {
                        // A broken pipe means the parent is gone, as end of input does.
                    }
                    Volatile.Write(ref inputClosed, 1);
                }) { IsBackground = true, Name = "spin-parent-watch" }.Start();
            }
            Console.WriteLine(Spinning);
            Console.Out.Flush();
            var clock = Stopwatch.StartNew();
            double x = 1;
            while (clock.Elapsed < limit && !cancellationToken.IsCancellationRequested && Volatile.Read(ref inputClosed) == 0)
                for (int i = 0; i < 1_000_000; i++) x = x * 0.9999999 + 1e-7; // converges to 1: never overflows
            return Task.FromResult(x > 0 ? 0 : 1); // the result is used, so the loop cannot be removed
        });
        return spin;
    }
}
