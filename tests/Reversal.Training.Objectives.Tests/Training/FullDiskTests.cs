using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Randomness;
using Reversal.Training.Serialization;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>
/// A disk that fills during training: on a real size-limited file system (a tmpfs the test mounts) where the machine
/// allows mounting, else through a stream that fails the way the operating system does (ENOSPC). The save fails with
/// <see cref="InsufficientDiskSpaceException"/> naming the folder and the bytes needed, the previous checkpoint stays
/// loadable, no staging debris is left, and the caller chooses whether training stops or goes on.
/// </summary>
[NonParallelizable]
public class FullDiskTests
{
    private const int Steps = 12;

    [TestCase(CheckpointSaveFailure.Throw)]
    [TestCase(CheckpointSaveFailure.LogAndContinue)]
    public void A_disk_that_fills_during_training_keeps_the_previous_checkpoint_and_leaves_no_debris(CheckpointSaveFailure mode)
    {
        // Room for a little more than one checkpoint: the second save does not fit.
        long checkpointBytes = MeasureCheckpointBytes();
        using var disk = SizeLimitedFolder.TryMount(checkpointBytes * 3 / 2, out string? whyNot);
        using var temp = new TempDirectory();
        string root = Path.Combine(disk?.Path ?? temp.Path, "run");
        int saves = 0;
        if (disk is null)
        {
            TestContext.Out.WriteLine($"No tmpfs ({whyNot}): the disk fills through a fault-injecting stream during the second save.");
            TrainingCheckpoint.StreamInterceptor = (name, stream) => Interlocked.Increment(ref saves) > 4 ? new FailingStream(stream, 100, FailingStream.DiskFull) : stream;
        }
        try
        {
            using var trainer = Trainer(root, everySteps: 4, mode);
            if (mode == CheckpointSaveFailure.Throw)
            {
                var e = Assert.Throws<InsufficientDiskSpaceException>(() => trainer.Fit(Data(), epochs: 3, batchSize: 4))!;
                Assert.That(e.Message, Does.Contain(Path.Combine(root, "checkpoint-00000008")));
                Assert.That(e.BytesNeeded, Is.GreaterThan(checkpointBytes / 2), "the bytes needed are the checkpoint's size");
                Assert.That(e.Message, Does.Contain("bytes"));
                TestContext.Out.WriteLine(e.Message);
                Assert.That(trainer.StepCount, Is.EqualTo(8), "training stopped at the failed save, its state in memory");
            }
            else
            {
                var report = trainer.Fit(Data(), epochs: 3, batchSize: 4);
                Assert.That(report.Steps, Is.EqualTo(Steps), "training went on past the failed saves");
                Assert.That(report.FailedCheckpointSaves, Is.EqualTo(2), "the saves at steps 8 and 12 failed and were counted");
            }
        }
        finally
        {
            TrainingCheckpoint.StreamInterceptor = null;
        }

        var checkpoints = TrainingCheckpoint.List(root);
        Assert.That(checkpoints.Select(c => c.Step), Is.EqualTo(new long[] { 4 }), "only the checkpoint that fitted is listed");
        var loader = Trainer(Path.Combine(temp.Path, "unused"), everySteps: 4, mode);
        loader.LoadCheckpoint(checkpoints[0].Path);
        Assert.That(loader.StepCount, Is.EqualTo(4));
        Assert.That(Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName), Is.EqualTo(new[] { "checkpoint-00000004" }),
            "no staging folder and no partial checkpoint folder is left");
        Assert.That(Directory.EnumerateFileSystemEntries(checkpoints[0].Path, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).StartsWith('.')), Is.Empty);
    }

    [Test]
    public void A_model_save_into_a_disk_that_fills_mid_write_names_the_folder_and_keeps_the_previous_model()
    {
        var config = new LlamaConfig { VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, MaxPositionEmbeddings = 16 };
        var first = LlamaModel.Create(config, seed: 1);
        var second = LlamaModel.Create(config, seed: 2);
        long modelBytes = first.ExportWeights().Sum(p => (long)p.Value.Values.Length * 4);
        using var disk = SizeLimitedFolder.TryMount(modelBytes * 4, out string? whyNot);
        using var temp = new TempDirectory();
        string folder = Path.Combine(disk?.Path ?? temp.Path, "model");
        HuggingFaceCheckpoint.Save(folder, config, first.ExportWeights());

        // Enough room when the save starts; the disk fills (another writer) while the weights are written.
        bool filled = false;
        var options = new SaveOptions
        {
            StreamInterceptor = (name, stream) =>
            {
                if (disk is null) return new FailingStream(stream, 1000, FailingStream.DiskFull);
                if (!filled) disk.Fill();
                filled = true;
                return stream;
            },
        };
        if (disk is null) TestContext.Out.WriteLine($"No tmpfs ({whyNot}): the disk fills through a fault-injecting stream.");
        var e = Assert.Throws<InsufficientDiskSpaceException>(() => HuggingFaceCheckpoint.Save(folder, config, second.ExportWeights(), options))!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.Directory, Is.EqualTo(Path.GetFullPath(folder)));
        Assert.That(e.Message, Does.Contain(Path.GetFullPath(folder)).And.Contain("the disk filled while writing it"));
        Assert.That(e.BytesNeeded, Is.GreaterThanOrEqualTo(modelBytes));
        Assert.That(Directory.EnumerateDirectories(folder), Is.Empty, "no staging folder is left");
        var reloaded = LlamaModel.Load(folder);
        Assert.That(reloaded.ExportWeights().Select(p => p.Value.Values), Is.EqualTo(first.ExportWeights().Select(p => p.Value.Values)), "the previous model is intact");
    }

    [Test]
    public void A_save_that_cannot_fit_is_refused_before_anything_is_written()
    {
        using var disk = SizeLimitedFolder.TryMount(64 * 1024, out string? whyNot);
        if (disk is null) Assert.Ignore($"needs a real size-limited file system: {whyNot} (the fault-injecting cases above still run)");
        var config = new LlamaConfig { VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, MaxPositionEmbeddings = 16 };
        string folder = Path.Combine(disk.Path, "model");
        var e = Assert.Throws<InsufficientDiskSpaceException>(() => HuggingFaceCheckpoint.Save(folder, config, LlamaModel.Create(config, seed: 1).ExportWeights()))!;
        Assert.That(e.BytesAvailable, Is.LessThan(e.BytesNeeded));
        Assert.That(e.InnerException, Is.Null, "found up front, not by filling the disk");
        Assert.That(Directory.Exists(folder), Is.False, "the folder the save would have created is not left behind");
    }

    private static long MeasureCheckpointBytes()
    {
        using var temp = new TempDirectory();
        using var trainer = Trainer(temp.Path, everySteps: 1, CheckpointSaveFailure.Throw);
        string saved = trainer.SaveCheckpoint(temp.File("probe"));
        return Directory.EnumerateFiles(saved, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    }

    private static Trainer Trainer(string root, int everySteps, CheckpointSaveFailure mode) =>
        Reversal.Training.Trainer.For(LlamaModel.Create(new LlamaConfig
            {
                VocabSize = 64, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, MaxPositionEmbeddings = 16,
            }, seed: 1))
            .WithObjective(new NextTokenPrediction())
            .WithSpecialTokens(SpecialTokenIds.Default)
            .WithOptimizer(o => o.AdamW(lr: 1e-3))
            .WithSeed(1)
            .WithCheckpointing(root, everySteps, keepLast: 1, onFailure: mode)
            .Build();

    private static TokenSequence[] Data()
    {
        var random = new SeededRandom(1);
        return Enumerable.Range(0, 16).Select(_ =>
        {
            var ids = new int[10];
            ids[0] = 2; ids[^1] = 3;
            for (int t = 1; t < ids.Length - 1; t++) ids[t] = 4 + random.NextInt(60);
            return new TokenSequence(ids);
        }).ToArray();
    }
}
