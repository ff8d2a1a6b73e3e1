using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// Several trainers of our engine in one process — on threads of their own, or interleaved in async code across
/// awaits, each with its own thread budget — give bit for bit what each gives alone.
/// </summary>
[NonParallelizable]
public class ConcurrentTrainersTests
{
    private sealed record Run(IReadOnlyList<double> Losses, float[][] Weights);

    private static Trainer Build(LlamaModel model, ITrainingObjective objective, long seed) => Trainer.For(model)
        .WithObjective(objective).WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 3e-3).ClipGradNorm(1.0))
        .WithSchedule(s => s.WarmupCosine(warmupSteps: 2, totalSteps: 12))
        .WithSeed(seed)
        .Build();

    private static Run Snapshot(LlamaModel model, IReadOnlyList<double> losses) =>
        new(losses, model.NamedParameters().Select(p => p.Value.ToArray()).ToArray());

    /// <summary>Job A: NTP on one model; job B: the BICO mix on another (different seeds, data and objectives).</summary>
    private static Run JobA(int threads)
    {
        using var scope = Compute.UseThreads(threads);
        var model = TinyTask.SmallModel(1);
        var report = Build(model, new NextTokenPrediction(), seed: 3).Fit(TinyTask.Sequences(24, 5), epochs: 2, batchSize: 4);
        return Snapshot(model, report.Losses);
    }

    private static Run JobB(int threads)
    {
        using var scope = Compute.UseThreads(threads);
        var model = TinyTask.SmallModel(2);
        var report = Build(model, Objective.BicoRecipe(), seed: 4).Fit(TinyTask.Sequences(24, 6), epochs: 2, batchSize: 4);
        return Snapshot(model, report.Losses);
    }

    private static void AssertSame(Run actual, Run expected, string what)
    {
        Assert.That(actual.Losses, Is.EqualTo(expected.Losses), $"{what}: losses");
        for (int i = 0; i < expected.Weights.Length; i++)
            Compare.Identical(actual.Weights[i], expected.Weights[i], $"{what}: parameter {i}");
    }

    [Test]
    public void Two_trainers_on_their_own_threads_equal_each_alone_bit_for_bit()
    {
        var aloneA = JobA(threads: 2);
        var aloneB = JobB(threads: 2);

        using var start = new Barrier(2);
        var a = Task.Factory.StartNew(() => { start.SignalAndWait(); return JobA(threads: 2); }, TaskCreationOptions.LongRunning);
        var b = Task.Factory.StartNew(() => { start.SignalAndWait(); return JobB(threads: 1); }, TaskCreationOptions.LongRunning);
        Task.WaitAll(a, b);

        AssertSame(a.Result, aloneA, "trainer A beside B");
        AssertSame(b.Result, aloneB, "trainer B beside A (with its own budget of 1 thread)");
    }

    [Test]
    public async Task Trainers_interleaved_across_awaits_equal_each_alone_bit_for_bit()
    {
        var data = TinyTask.Sequences(8, 9);
        async Task<Run> Steps(long seed)
        {
            var model = TinyTask.SmallModel(seed);
            var trainer = Build(model, Objective.BicoRecipe(), seed);
            var losses = new List<double>();
            for (int step = 0; step < 6; step++)
            {
                await Task.Yield(); // the next step may run on another pool thread
                losses.Add(trainer.TrainStep(data.Skip(step % 2 * 4).Take(4).ToArray()).Loss);
            }
            return Snapshot(model, losses);
        }

        var alone1 = await Steps(1);
        var alone2 = await Steps(2);
        var together = await Task.WhenAll(Steps(1), Steps(2));

        AssertSame(together[0], alone1, "first async trainer");
        AssertSame(together[1], alone2, "second async trainer");
    }

    [Test]
    public async Task A_thread_budget_follows_its_flow_and_no_other()
    {
        int outside = Compute.CurrentMaxThreads;
        using (Compute.UseThreads(1))
        {
            Assert.That(Compute.CurrentMaxThreads, Is.EqualTo(1));
            await Task.Yield();
            Assert.That(Compute.CurrentMaxThreads, Is.EqualTo(1), "after an await");
            int other = await Task.Factory.StartNew(() => Compute.CurrentMaxThreads, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);
            Assert.That(other, Is.EqualTo(1), "a task started inside the scope inherits it");
            using (Compute.UseThreads(2)) Assert.That(Compute.CurrentMaxThreads, Is.EqualTo(2), "scopes nest");
            Assert.That(Compute.CurrentMaxThreads, Is.EqualTo(1));
        }
        Assert.That(Compute.CurrentMaxThreads, Is.EqualTo(outside));
        // A thread started before the scope is another flow: it keeps the process default while the scope is open.
        using var scopeOpen = new ManualResetEventSlim();
        int seenByOtherFlow = 0;
        var unrelated = new Thread(() => { scopeOpen.Wait(); seenByOtherFlow = Compute.CurrentMaxThreads; });
        unrelated.Start();
        using (Compute.UseThreads(Compute.MaxThreads + 3))
        {
            scopeOpen.Set();
            unrelated.Join();
        }
        Assert.That(seenByOtherFlow, Is.EqualTo(Compute.MaxThreads));
        Assert.That(() => Compute.UseThreads(0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
