using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Lora;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>LoRA through the engine-neutral trainer: only adapters (and modules to save) move, the report counts them,
/// and checkpoints hold the adapter in PEFT's layout and resume bit for bit.</summary>
public class LoraTrainingTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static readonly LoraConfig Config = new() { Rank = 4, Alpha = 8, ModulesToSave = ["embed_tokens"] };

    private static LoraModel Model() => LoraModel.Apply(TinyTask.SmallModel(1), Config, seed: 5);

    private static TrainerBuilder Builder(ITrainableLanguageModel model) => Trainer.For(model)
        .WithObjective(Objective.BicoRecipe())
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 1e-2))
        .WithSeed(7);

    [Test]
    public void Training_moves_the_adapters_and_saved_modules_only()
    {
        var model = Model();
        var before = model.ExportWeights().ToDictionary(w => w.Key, w => w.Value.Values, StringComparer.Ordinal);
        var report = Builder(model).Build().Fit(TinyTask.Sequences(8, seed: 2), epochs: 2, batchSize: 4);
        foreach (var (name, values) in model.ExportWeights())
            if (name == "model.embed_tokens.weight") Assert.That(values.Values, Is.Not.EqualTo(before[name]), name);
            else Assert.That(values.Values, Is.EqualTo(before[name]), name);
        Assert.That(model.Adapters.All(a => a.B.ToArray().Any(b => b != 0)), "every B trained");
        Assert.That(report.TrainableParameters, Is.EqualTo(model.TrainableParameterCount()));
        Assert.That(report.TotalParameters, Is.EqualTo(model.TotalParameterCount()));
        Assert.That(report.TrainableParameters, Is.LessThan(report.TotalParameters / 2));
    }

    [Test]
    public void A_LoRA_checkpoint_holds_a_PEFT_adapter_and_resumes_bit_for_bit()
    {
        var data = TinyTask.Sequences(8, seed: 4);
        var uninterrupted = Builder(Model()).Build().Fit(data, epochs: 2, batchSize: 4).Losses;

        string root = _temp.File("run");
        using var cts = new CancellationTokenSource();
        var first = Builder(Model()).WithCheckpointing(root, everySteps: 1)
            .WithProgress(new InlineProgress<TrainingProgress>(p => { if (p.Step == 2) cts.Cancel(); })).Build();
        var cancelled = Assert.Throws<TrainingCancelledException>(() => first.Fit(data, epochs: 2, batchSize: 4, cts.Token))!;
        string checkpoint = cancelled.Checkpoint!;
        Assert.That(File.Exists(Path.Combine(checkpoint, PeftAdapterConfigJson.FileName)));

        // The checkpoint's adapter is a PEFT folder: it loads onto the checkpoint's base model on its own.
        var fromFolder = LoraModel.Load(Engine.Llama.LlamaModel.Load(checkpoint), checkpoint);
        Assert.That(fromFolder.ExportAdapter().Select(t => t.Value.Values), Is.EqualTo(((LoraModel)first.Model).ExportAdapter().Select(t => t.Value.Values)));

        var resumed = Builder(LoraModel.Apply(TinyTask.SmallModel(1), Config, seed: 99)).ResumeFrom(checkpoint).Build().Fit(data, epochs: 2, batchSize: 4);
        Assert.That(resumed.Losses, Is.EqualTo(uninterrupted));

        var plain = Assert.Throws<CheckpointFormatException>(() => Builder(TinyTask.SmallModel(1)).ResumeFrom(checkpoint).Build())!;
        Assert.That(plain.Message, Does.Contain("LoRA"));
        var other = Assert.Throws<CheckpointFormatException>(() => Builder(LoraModel.Apply(TinyTask.SmallModel(1), Config with { Rank = 2 })).ResumeFrom(checkpoint).Build())!;
        Assert.That(other.Message, Does.Contain("r = 4"));
    }
}
