using Reversal.Training.Objectives;
using System.Diagnostics;
using Reversal.Training;
using Reversal.Training.Checkpoints;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// A real kill during save: a separate process (tests/Reversal.CheckpointKillTarget) checkpoints after every step, and
/// is killed with SIGKILL at arbitrary moments, mostly while writing (a save takes most of each step). After every kill
/// each checkpoint that is listed must load completely, and the next process must resume from the newest one.
/// </summary>
[NonParallelizable]
public class CheckpointKillTests
{
    [Test]
    public void Checkpoints_survive_the_process_being_killed_at_arbitrary_moments()
    {
        using var temp = new TempDirectory();
        string root = temp.File("run");
        long previousLatest = 0;
        int killedMidSave = 0;
        for (int round = 0; round < 10; round++)
        {
            using var process = TrainingTargetProcess.Start(root);
            var clock = Stopwatch.StartNew();
            // Let it write a few checkpoints beyond the last round's, then kill it at a moment that varies by round.
            while (Latest(root) < previousLatest + 3 && clock.Elapsed < TimeSpan.FromSeconds(90) && !process.HasExited) Thread.Sleep(5);
            Assert.That(process.HasExited, Is.False, () => $"the target process ended on its own: {process.StandardError.ReadToEnd()}");
            Thread.Sleep(5 * round);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();

            if (Directory.EnumerateDirectories(root, ".staging-*").Any()) killedMidSave++;
            var checkpoints = TrainingCheckpoint.List(root);
            Assert.That(checkpoints, Is.Not.Empty, $"round {round}: no checkpoint survived");
            foreach (var (step, path) in checkpoints)
            {
                var trainer = TrainingTargetProcess.Trainer();
                Assert.DoesNotThrow(() => trainer.LoadCheckpoint(path), $"round {round}: checkpoint {step} does not load");
                Assert.That(trainer.StepCount, Is.EqualTo(step));
            }
            Assert.That(checkpoints[^1].Step, Is.GreaterThan(previousLatest), $"round {round}: the process resumed and went on");
            previousLatest = checkpoints[^1].Step;
        }
        TestContext.Out.WriteLine($"{killedMidSave} of 10 kills landed while a checkpoint was being written.");
    }

    private static long Latest(string root) => TrainingCheckpoint.List(root) is { Count: > 0 } list ? list[^1].Step : 0;
}
