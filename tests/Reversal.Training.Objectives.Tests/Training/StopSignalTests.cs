using System.Diagnostics;
using Reversal.Training.Checkpoints;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// SIGINT and SIGTERM sent to a real training process (tests/Reversal.CheckpointKillTarget, checkpointing after every
/// step, so a signal often lands while a checkpoint is being written) at several moments: the process stops at a step
/// boundary with the conventional exit code, its newest checkpoint loads at the step it reports, and a second process
/// resuming from it ends with exactly the loss sequence of a run that was never interrupted.
/// </summary>
[NonParallelizable]
public class StopSignalTests
{
    private const int Epochs = 40;          // 4 steps per epoch: 160 steps
    private const int SigInt = 2, SigTerm = 15;

    private static string? _uninterrupted;

    [OneTimeSetUp]
    public void RunOnceUninterrupted()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals are sent with kill(2)");
        using var temp = new TempDirectory();
        using var process = TrainingTargetProcess.Start(temp.File("run"), Epochs);
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), () => process.StandardError.ReadToEnd());
        _uninterrupted = LossLine(output);
    }

    [TestCase(SigTerm, 5, 143)]
    [TestCase(SigTerm, 37, 143)]
    [TestCase(SigTerm, 101, 143)]
    [TestCase(SigInt, 3, 130)]
    [TestCase(SigInt, 64, 130)]
    [TestCase(SigInt, 129, 130)]
    public void A_stop_signal_ends_training_at_a_step_boundary_and_resuming_gives_the_uninterrupted_losses(int signal, int afterStep, int exitCode)
    {
        if (signal == SigInt) RequireSigIntNotIgnored();
        using var temp = new TempDirectory();
        string root = temp.File("run");
        using (var process = TrainingTargetProcess.Start(root, Epochs))
        {
            WaitForStep(process, afterStep);
            TrainingTargetProcess.Signal(process, signal);
            string rest = process.StandardOutput.ReadToEnd();
            Assert.That(process.WaitForExit(30_000), Is.True, "the process did not stop within 30 s of the signal");
            Assert.That(process.ExitCode, Is.EqualTo(exitCode), () => rest + process.StandardError.ReadToEnd());
            Assert.That(rest, Does.Contain("stopped: Training was cancelled after step"));
            Assert.That(rest, Does.Not.Contain("losses:"), "the signal arrived before the end, so the run must not have finished");
            Assert.That(process.StandardError.ReadToEnd(), Does.Not.Contain("   at "), "no stack trace");
        }
        Assert.That(Directory.EnumerateDirectories(root, ".staging-*"), Is.Empty, "a stopped save leaves no staging folder");
        var (step, latest) = TrainingCheckpoint.List(root)[^1];
        Assert.That(step, Is.GreaterThanOrEqualTo(afterStep));
        var trainer = TrainingTargetProcess.Trainer();
        trainer.LoadCheckpoint(latest);
        Assert.That(trainer.StepCount, Is.EqualTo(step));

        using var resumed = TrainingTargetProcess.Start(root, Epochs);
        string output = resumed.StandardOutput.ReadToEnd();
        resumed.WaitForExit();
        Assert.That(resumed.ExitCode, Is.EqualTo(0), () => resumed.StandardError.ReadToEnd());
        Assert.That(LossLine(output), Is.EqualTo(_uninterrupted), "the resumed run's losses (all steps) equal the uninterrupted run's, bit for bit");
    }

    [Test]
    public void A_second_signal_ends_the_process_at_once()
    {
        RequireSigIntNotIgnored();
        using var temp = new TempDirectory();
        using var process = TrainingTargetProcess.Start(temp.File("run"));   // trains until stopped
        WaitForStep(process, 2);
        TrainingTargetProcess.Signal(process, SigInt);
        TrainingTargetProcess.Signal(process, SigInt);
        Assert.That(process.WaitForExit(30_000), Is.True);
        Assert.That(process.ExitCode, Is.EqualTo(130));
    }

    /// <summary>
    /// Fails with the reason when this process ignores SIGINT: a shell without job control starts a background command
    /// (<c>cmd &amp;</c>, <c>nohup</c>) with SIGINT ignored, the training process inherits that, and .NET then leaves
    /// the signal ignored, so the run would simply not stop. Run the tests in the foreground (or with <c>set -m</c>).
    /// </summary>
    private static void RequireSigIntNotIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return;
        string? mask = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))?["SigIgn:".Length..].Trim();
        bool ignored = mask is not null && (Convert.ToUInt64(mask, 16) & (1UL << (SigInt - 1))) != 0;
        Assert.That(ignored, Is.False, "SIGINT is ignored by this test process (started in the background by a shell without job "
            + "control, e.g. 'cmd &' or nohup), so the training process inherits an ignored SIGINT and cannot be stopped by it. "
            + "Run the tests in the foreground.");
    }

    private static void WaitForStep(Process process, int step)
    {
        var clock = Stopwatch.StartNew();
        while (process.StandardOutput.ReadLine() is string line)
        {
            if (line == $"step {step}") return;
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(120)), $"step {step} was not reached");
        }
        Assert.Fail($"the process ended before step {step}: {process.StandardError.ReadToEnd()}");
    }

    private static string LossLine(string output) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).SingleOrDefault(l => l.StartsWith("losses: ", StringComparison.Ordinal))
        ?? throw new AssertionException($"no losses line in: {output}");
}
