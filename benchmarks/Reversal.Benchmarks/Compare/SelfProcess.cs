using System.Diagnostics;

namespace Reversal.Benchmarks.Compare;

/// <summary>Starts this benchmark program again, as a child process running one of its hidden commands.</summary>
internal static class SelfProcess
{
    /// <summary>
    /// Starts the program with <paramref name="arguments"/> (under <c>dotnet</c> when this process is <c>dotnet</c> running
    /// the assembly), its standard output redirected, and its standard input too when <paramref name="redirectInput"/>.
    /// </summary>
    public static Process Start(IEnumerable<string> arguments, bool redirectInput = false)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
    }
}
