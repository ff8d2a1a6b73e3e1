using System.CommandLine;

namespace Reversal.Samples.Common;

/// <summary>
/// Runs a System.CommandLine root for the samples and the benchmark app with the library's own stop-signal handling
/// (<see cref="StopSignals"/>) instead of System.CommandLine's process-termination handler, whose timeout ends a
/// run mid-step with a stack trace.
/// </summary>
public static class CommandLineHost
{
    /// <summary>Parses <paramref name="args"/> and invokes the chosen action with a token that the first SIGINT or SIGTERM cancels.</summary>
    /// <returns>The action's exit code (parse errors: 1, as System.CommandLine reports them).</returns>
    public static Task<int> InvokeAsync(RootCommand root, string[] args, StopSignals signals)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(signals);
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
    }
}
