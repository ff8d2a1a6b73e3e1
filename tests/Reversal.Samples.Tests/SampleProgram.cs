using System.Diagnostics;

namespace Reversal.Samples.Tests;

/// <summary>A built program of the repository (demo, samples, benchmark app), run in a child process.</summary>
internal static class SampleProgram
{
    /// <summary>Runs <paramref name="project"/>'s program with <paramref name="arguments"/>; returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string project, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Find(),
        };
        start.ArgumentList.Add(RepositoryRoot.BuiltProgram(project));
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{project} {string.Join(' ', arguments)} did not finish in time");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
