namespace Reversal.Samples.Tests;

/// <summary>
/// A stop signal during a benchmark command ends it with the signal's exit code (SIGTERM: 143) and says that nothing
/// was written, rather than System.CommandLine's silent exit code 1.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BenchmarkStopSignalTests
{
    [Test]
    public void Sigterm_during_eval_speed_exits_143_and_says_nothing_was_written()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Ignore("POSIX signals only.");
        // Two rows per split keep the set-up short; enough repeats keep it running when the signal comes.
        using var process = BuiltProgramProcess.Start("benchmarks/Reversal.Benchmarks", ["eval-speed", "--rows", "2", "--repeat", "100000", "--threads", "1"],
            environment: new Dictionary<string, string> { ["NO_COLOR"] = "1" });
        var stderr = process.StandardError.ReadToEndAsync();
        // The first line ("Data: ...") comes once the model exists and evaluation is about to start.
        string? first = process.StandardOutput.ReadLine();
        Assert.That(first, Does.StartWith("Data:"), "eval-speed did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        Thread.Sleep(500);
        Assert.That(process.HasExited, Is.False, "eval-speed finished before it could be stopped");
        BuiltProgramProcess.Signal(process, 15);
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("eval-speed did not stop within 60 s of SIGTERM");
        }
        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(143), stdout.Result + stderr.Result);
            Assert.That(stderr.Result, Does.Contain("Stopped before the measurement finished"));
        });
    }
}
