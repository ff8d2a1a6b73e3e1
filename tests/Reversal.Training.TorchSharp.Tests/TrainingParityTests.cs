using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.TorchSharp.Llama;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>The engine-neutral Trainer drives both engines to the same losses, and checkpoints move between them by path.</summary>
public class TrainingParityTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static TrainerBuilder Builder(ITrainableLanguageModel model, ObjectiveMix? objective = null) => Trainer.For(model)
        .WithObjective(objective ?? Objective.BicoRecipe(maskRate: 0.3))
        .WithOptimizer(o => o.AdamW(lr: 3e-3, weightDecay: 0.01).ClipGradNorm(1.0))
        .WithSchedule(s => s.WarmupCosine(warmupSteps: 5))
        .WithSpecialTokens(ParityFixture.Special)
        .WithSeed(3);

    public static IEnumerable<TestCaseData> Recipes()
    {
        yield return new TestCaseData("bico").SetName("Twenty AdamW steps of the BICO mix give the same losses on both engines");
        yield return new TestCaseData("mlm-u+ntp").SetName("Twenty AdamW steps of MLM-U mixed with NTP give the same losses on both engines");
        yield return new TestCaseData("rt-entity").SetName("Twenty AdamW steps of entity-preserving reverse training give the same losses on both engines");
        yield return new TestCaseData("rt-segment").SetName("Twenty AdamW steps of random-segment reverse training give the same losses on both engines");
        yield return new TestCaseData("mlm-u+rt-entity").SetName("Twenty AdamW steps of NTP, MLM-U and entity-preserving reverse training give the same losses on both engines");
    }

    private static ObjectiveMix Recipe(string name) => name switch
    {
        "bico" => Objective.BicoRecipe(maskRate: 0.3),
        "mlm-u+ntp" => Objective.MlmURecipe(),
        "rt-entity" => Objective.ReverseTrainingRecipe(new EntityPreservingReversal()),
        "rt-segment" => Objective.ReverseTrainingRecipe(new RandomSegmentReversal(3, ParityFixture.SegmentSeparator)),
        "mlm-u+rt-entity" => Objective.MlmURecipe().WithReverseTraining(new EntityPreservingReversal()),
        _ => throw new ArgumentException($"Unknown recipe '{name}'.", nameof(name)),
    };

    [TestCaseSource(nameof(Recipes))]
    public void Twenty_AdamW_steps_of_a_recipe_give_the_same_losses_on_both_engines(string recipe)
    {
        var data = ParityFixture.Sequences(40, seed: 5);
        var (native, torchModel) = ParityFixture.Models(seed: 13);
        using var _ = torchModel;
        using var nativeTrainer = Builder(native, Recipe(recipe)).Build();
        using var torchTrainer = Builder(torchModel, Recipe(recipe)).Build();
        var nativeReport = nativeTrainer.Fit(data, epochs: 2, batchSize: 4);
        var torchReport = torchTrainer.Fit(data, epochs: 2, batchSize: 4);

        Assert.That(torchReport.Steps, Is.EqualTo(20));
        Assert.That(torchReport.Objectives, Is.EqualTo(nativeReport.Objectives), "the same batches and the same members chosen");
        Assert.That(nativeReport.Objectives.Distinct().Count(), Is.GreaterThan(1), "the mix used more than one member");
        for (int i = 0; i < 20; i++)
            Assert.That(torchReport.Losses[i], Is.EqualTo(nativeReport.Losses[i]).Within(1e-3 * Math.Abs(nativeReport.Losses[i])), $"step {i + 1}");
        Assert.That(torchReport.Losses[^1], Is.LessThan(torchReport.Losses[0]), "it learns");
    }

    [Test]
    public void A_model_trained_on_TorchSharp_loads_in_our_engine_with_the_same_logits_and_back()
    {
        var (_, torchModel) = ParityFixture.Models(seed: 21);
        using var _ = torchModel;
        using (var trainer = Builder(torchModel).Build()) trainer.Fit(ParityFixture.Sequences(12, seed: 2), epochs: 1, batchSize: 4);
        string folder = _temp.File("from-torch");
        torchModel.Save(folder);

        var native = LlamaModel.Load(folder);
        var batch = ParityFixture.Prepare(ParityFixture.Abi, seed: 3);
        using (var torchBatch = Batches.TorchBatchExtensions.ToTorch(batch, CPU))
        using (var torchLogits = torchModel.Forward(torchBatch))
            Assert.That(ParityFixture.MaxRelativeError(torchLogits.data<float>().ToArray(), native.Forward(batch).ToArray()), Is.LessThanOrEqualTo(1e-4));

        string back = _temp.File("from-native");
        native.Save(back);
        using var reloaded = TorchLlama.Load(back, CPU);
        foreach (var ((name, a), (otherName, b)) in torchModel.ExportWeights().Zip(reloaded.ExportWeights()))
        {
            Assert.That(otherName, Is.EqualTo(name));
            Assert.That(b.Values, Is.EqualTo(a.Values), name);
        }
    }

    [Test]
    public void A_training_checkpoint_of_our_engine_resumes_on_TorchSharp_and_continues_like_our_engine()
    {
        var data = ParityFixture.Sequences(24, seed: 8);
        string root = _temp.File("run");
        var (native, _) = ParityFixture.Models(seed: 4);
        using (var first = Builder(native).WithCheckpointing(root, everySteps: 3).Build()) first.Fit(data, epochs: 1, batchSize: 4);
        string checkpoint = TrainingCheckpoint.List(root).First(c => c.Step == 3).Path;

        var continued = LlamaModel.Create(ParityFixture.Config(), seed: 99);
        using var nativeTrainer = Builder(continued).ResumeFrom(checkpoint).Build();
        var nativeReport = nativeTrainer.Fit(data, epochs: 1, batchSize: 4);

        using var torchModel = TorchLlama.Create(ParityFixture.Config(), seed: 99, CPU);
        using var torchTrainer = Builder(torchModel).ResumeFrom(checkpoint).Build();
        var torchReport = torchTrainer.Fit(data, epochs: 1, batchSize: 4);

        Assert.That(torchTrainer.StepCount, Is.EqualTo(6));
        Assert.That(torchReport.Losses.Take(3), Is.EqualTo(nativeReport.Losses.Take(3)), "the first three losses come from the checkpoint");
        for (int i = 3; i < 6; i++)
            Assert.That(torchReport.Losses[i], Is.EqualTo(nativeReport.Losses[i]).Within(1e-3 * nativeReport.Losses[i]), $"step {i + 1}");
    }
}
