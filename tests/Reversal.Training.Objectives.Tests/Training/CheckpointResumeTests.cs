using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Serialization;
using Reversal.Training;
using Reversal.Training.Checkpoints;
using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives.Tests.Training;

[NonParallelizable] // uses the TrainingCheckpoint.BeforeCommit seam
public class CheckpointResumeTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown()
    {
        TrainingCheckpoint.BeforeCommit = null;
        _temp.Dispose();
    }

    private static TrainerBuilder Builder(LlamaModel model) => Trainer.For(model)
        .WithObjective(Objective.BicoRecipe())                        // exercises the objective's random stream too
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 3e-3).ClipGradNorm(1.0))
        .WithSchedule(s => s.WarmupCosine(warmupSteps: 3, totalSteps: 9))
        .WithSeed(11);

    [Test]
    public void Resuming_from_a_checkpoint_reproduces_the_uninterrupted_loss_sequence_bit_for_bit()
    {
        var data = TinyTask.Sequences(10, seed: 4);                    // 3 batches of 4 per epoch, 9 steps in 3 epochs
        var uninterrupted = Builder(TinyTask.SmallModel(1)).Build().Fit(data, epochs: 3, batchSize: 4).Losses;

        using var cts = new CancellationTokenSource();
        string root = _temp.File("run");
        var first = Builder(TinyTask.SmallModel(1))
            .WithCheckpointing(root, everySteps: 2, keepLast: 2)
            .WithProgress(new InlineProgress<TrainingProgress>(p => { if (p.Step == 5) cts.Cancel(); }))
            .Build();
        var cancelled = Assert.Throws<TrainingCancelledException>(() => first.Fit(data, epochs: 3, batchSize: 4, cts.Token))!;
        Assert.That(cancelled.Step, Is.EqualTo(5));
        Assert.That(cancelled.Checkpoint, Is.EqualTo(TrainingCheckpoint.FindLatest(root)), "cancellation writes a final checkpoint");
        Assert.That(TrainingCheckpoint.List(root).Select(c => c.Step), Is.EqualTo(new long[] { 4, 5 }), "keeps the last two");

        // A fresh process would start from a differently initialised model: the checkpoint must overwrite everything.
        var resumed = Builder(TinyTask.SmallModel(99)).ResumeFrom(cancelled.Checkpoint!).Build().Fit(data, epochs: 3, batchSize: 4);

        Assert.That(resumed.Losses, Is.EqualTo(uninterrupted), "the resumed report holds the whole run's losses, bit-identical");
        Assert.That(resumed.Steps, Is.EqualTo(9));
    }

    [Test]
    public void A_save_that_dies_before_completion_leaves_the_previous_checkpoint_loadable()
    {
        var data = TinyTask.Sequences(8, seed: 2);
        string root = _temp.File("run");
        int saves = 0;
        TrainingCheckpoint.BeforeCommit = staging =>
        {
            if (++saves == 2) throw new IOException("simulated crash while saving");
        };
        var trainer = Builder(TinyTask.SmallModel(1)).WithCheckpointing(root, everySteps: 2, keepLast: 0).Build();

        Assert.That(() => trainer.Fit(data, epochs: 2, batchSize: 2), Throws.TypeOf<IOException>().With.Message.Contains("simulated crash"));

        Assert.That(TrainingCheckpoint.List(root).Select(c => c.Step), Is.EqualTo(new long[] { 2 }));
        Assert.That(Directory.EnumerateDirectories(root).Select(Path.GetFileName), Is.EqualTo(new[] { TrainingCheckpoint.FolderName(2) }), "no staging folder is left behind");
        TrainingCheckpoint.BeforeCommit = null;
        var restored = Builder(TinyTask.SmallModel(5)).ResumeFrom(TrainingCheckpoint.FindLatest(root)!).Build();
        Assert.That(restored.StepCount, Is.EqualTo(2));
    }

    [Test]
    public void A_process_killed_mid_save_leaves_an_incomplete_folder_that_is_ignored_and_cleaned_up()
    {
        var data = TinyTask.Sequences(4, seed: 2);
        string root = _temp.File("run");
        var trainer = Builder(TinyTask.SmallModel(1)).Build();
        trainer.TrainStep(data);
        string good = trainer.SaveCheckpoint(root);
        // What a kill -9 during the next save leaves: its folder with a half-written staging folder and some committed
        // files, but no trainer_state.json (committed last).
        string killed = Path.Combine(root, TrainingCheckpoint.FolderName(7));
        Directory.CreateDirectory(Path.Combine(killed, ".checkpoint-staging-deadbeef"));
        File.WriteAllBytes(Path.Combine(killed, ".checkpoint-staging-deadbeef", "model.safetensors"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(killed, "config.json"), "{}");

        Assert.That(TrainingCheckpoint.FindLatest(root), Is.EqualTo(good));
        trainer.TrainStep(data);
        trainer.SaveCheckpoint(root);
        Assert.That(Directory.Exists(killed), Is.False, "the next save removes the leftover");
        Assert.That(TrainingCheckpoint.List(root).Select(c => c.Step), Is.EqualTo(new long[] { 1, 2 }));
    }

    [Test]
    public void Resume_refuses_a_different_run_shape_and_a_folder_that_is_not_a_checkpoint()
    {
        var data = TinyTask.Sequences(8, seed: 2);
        string root = _temp.File("run");
        Builder(TinyTask.SmallModel(1)).WithCheckpointing(root, everySteps: 2).Build().Fit(data, epochs: 1, batchSize: 4);
        var trainer = Builder(TinyTask.SmallModel(1)).ResumeFrom(TrainingCheckpoint.FindLatest(root)!).Build();

        Assert.That(() => trainer.Fit(data, epochs: 1, batchSize: 2), Throws.ArgumentException.With.Message.Contains("batches of 4").And.Message.Contains("batches of 2"));
        Assert.That(() => Builder(TinyTask.SmallModel(1)).ResumeFrom(_temp.Path).Build(),
            Throws.TypeOf<CheckpointFormatException>().With.Message.Contains("trainer_state.json").And.Message.Contains("not a training checkpoint"));
    }
}
