using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Reversal.Training.TestSupport;

/// <summary>Starts a built program of the repository (<see cref="RepositoryRoot.BuiltProgram"/>) in a child process and sends it POSIX signals.</summary>
public static class BuiltProgramProcess
{
    /// <summary>
    /// Starts <paramref name="project"/>'s program (e.g. <c>samples/Reversal.Demo</c>) with <paramref name="arguments"/>
    /// through the test host's <c>dotnet</c>, standard output and error redirected.
    /// </summary>
    /// <param name="project">The project folder relative to the repository root.</param>
    /// <param name="arguments">The program's arguments.</param>
    /// <param name="workingDirectory">The working directory (null: the repository root).</param>
    /// <param name="environment">Extra environment variables (null: none).</param>
    public static Process Start(string project, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Find(),
        };
        start.ArgumentList.Add(RepositoryRoot.BuiltProgram(project));
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Sends a POSIX signal (2: SIGINT, 15: SIGTERM) to <paramref name="process"/>.</summary>
    /// <exception cref="InvalidOperationException">kill(2) failed; the message gives errno.</exception>
    public static void Signal(Process process, int signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (Kill(process.Id, signal) != 0) throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
