namespace Reversal.Samples.Tests;

/// <summary>A built program of the repository (demo, samples, benchmark app), run in a child process.</summary>
internal static class SampleProgram
{
    /// <summary>Runs <paramref name="project"/>'s program with <paramref name="arguments"/>; returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string project, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var process = BuiltProgramProcess.Start(project, arguments, workingDirectory,
            new Dictionary<string, string> { ["NO_COLOR"] = "1", ["COLUMNS"] = "200" });
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
