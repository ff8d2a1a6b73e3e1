using Reversal.Training.Engine.Lora;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Lora;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>LoRA on TorchSharp computes, trains and saves what LoRA on our engine does.</summary>
public class LoraParityTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static readonly LoraConfig Config = new() { Rank = 4, Alpha = 8, ModulesToSave = ["embed_tokens"] };

    private static TrainerBuilder Builder(ITrainableLanguageModel model) => Trainer.For(model)
        .WithObjective(Objective.BicoRecipe(maskRate: 0.3))
        .WithOptimizer(o => o.AdamW(lr: 1e-2, weightDecay: 0.01).ClipGradNorm(1.0))
        .WithSpecialTokens(ParityFixture.Special)
        .WithSeed(3);

    private static float[] TorchLogits(TorchLoraModel model, ObjectiveBatch batch)
    {
        using var torchBatch = Batches.TorchBatchExtensions.ToTorch(batch, CPU);
        using var _ = no_grad();
        using var logits = model.Base.Forward(torchBatch);
        return logits.data<float>().ToArray();
    }

    private static float[] NativeLogits(LoraModel model, ObjectiveBatch batch)
    {
        using (Engine.Autograd.GradMode.NoGrad()) return model.Base.Forward(batch).ToArray();
    }

    [Test]
    public void Both_engines_start_from_the_same_adapters_and_compute_the_same_adapted_logits()
    {
        var (native, torchBase) = ParityFixture.Models(seed: 13);
        using var _ = torchBase;
        var nativeLora = LoraModel.Apply(native, Config, seed: 4);
        using var torchLora = TorchLoraModel.Apply(torchBase, Config, seed: 4);
        var nativeAdapter = nativeLora.ExportAdapter();
        var torchAdapter = torchLora.ExportAdapter();
        Assert.That(torchAdapter.Select(t => t.Key), Is.EqualTo(nativeAdapter.Select(t => t.Key)));
        for (int i = 0; i < nativeAdapter.Count; i++) Assert.That(torchAdapter[i].Value.Values, Is.EqualTo(nativeAdapter[i].Value.Values), nativeAdapter[i].Key);
        Assert.That(torchLora.Parameters, Is.EqualTo(nativeLora.Parameters).Using<ParameterInfo>((a, b) => a.Name == b.Name && a.Shape.SequenceEqual(b.Shape) && a.Trainable == b.Trainable));

        // Non-zero B on both (through the PEFT import path), then the same function.
        var random = nativeAdapter.ToDictionary(t => t.Key, t => new TensorData(Samples.Normal(t.Key.Length * 7 + 1, t.Value.Values.Length, std: 0.3), t.Value.Shape.ToArray()), StringComparer.Ordinal);
        nativeLora.ImportAdapter(random);
        torchLora.ImportAdapter(random);
        var batch = ParityFixture.Prepare(ParityFixture.Bico, seed: 5);
        Assert.That(ParityFixture.MaxRelativeError(TorchLogits(torchLora, batch), NativeLogits(nativeLora, batch)), Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Ten_AdamW_steps_of_LoRA_give_the_same_losses_and_adapters_on_both_engines()
    {
        var data = ParityFixture.Sequences(40, seed: 5);
        var (native, torchBase) = ParityFixture.Models(seed: 13);
        using var _ = torchBase;
        var nativeLora = LoraModel.Apply(native, Config, seed: 4);
        using var torchLora = TorchLoraModel.Apply(torchBase, Config, seed: 4);
        using var nativeTrainer = Builder(nativeLora).Build();
        using var torchTrainer = Builder(torchLora).Build();
        var nativeReport = nativeTrainer.Fit(data, epochs: 1, batchSize: 4);
        var torchReport = torchTrainer.Fit(data, epochs: 1, batchSize: 4);

        Assert.That(torchReport.Steps, Is.EqualTo(10));
        Assert.That(torchReport.TrainableParameters, Is.EqualTo(nativeReport.TrainableParameters));
        for (int i = 0; i < 10; i++)
            Assert.That(torchReport.Losses[i], Is.EqualTo(nativeReport.Losses[i]).Within(1e-3 * Math.Abs(nativeReport.Losses[i])), $"step {i + 1}");
        var nativeAdapter = nativeLora.ExportAdapter();
        var torchAdapter = torchLora.ExportAdapter();
        for (int i = 0; i < nativeAdapter.Count; i++)
            Assert.That(ParityFixture.MaxRelativeError(torchAdapter[i].Value.Values, nativeAdapter[i].Value.Values), Is.LessThanOrEqualTo(1e-2), nativeAdapter[i].Key);
        Assert.That(torchTrainer.Session.ExportOptimizerState().Keys, Is.EquivalentTo(nativeTrainer.Session.ExportOptimizerState().Keys));
    }

    [Test]
    public void An_adapter_saved_on_TorchSharp_loads_on_our_engine_and_merge_unmerge_restores_the_weights()
    {
        var (native, torchBase) = ParityFixture.Models(seed: 21);
        using var _ = torchBase;
        using var torchLora = TorchLoraModel.Apply(torchBase, Config with { TargetModules = ["q_proj", "down_proj"] }, seed: 2);
        using (var trainer = Builder(torchLora).Build()) trainer.Fit(ParityFixture.Sequences(8, seed: 2), epochs: 1, batchSize: 4);
        string folder = _temp.File("adapter");
        torchLora.SaveAdapter(folder);
        var nativeLora = LoraModel.Load(native, folder);
        var batch = ParityFixture.Prepare(ParityFixture.Causal, seed: 3);
        var logits = TorchLogits(torchLora, batch);
        Assert.That(ParityFixture.MaxRelativeError(logits, NativeLogits(nativeLora, batch)), Is.LessThanOrEqualTo(1e-4));

        var before = torchLora.ExportWeights().ToDictionary(w => w.Key, w => w.Value.Values);
        torchLora.Merge();
        Assert.That(ParityFixture.MaxRelativeError(TorchLogits(torchLora, batch), logits), Is.LessThanOrEqualTo(1e-4), "merged ≈ unmerged");
        Assert.Throws<InvalidOperationException>(() => torchLora.CreateTrainingSession(new AdamWSettings()));
        torchLora.Unmerge();
        foreach (var (name, values) in torchLora.ExportWeights()) Assert.That(values.Values, Is.EqualTo(before[name]), name);
    }
}

/// <summary>Freezing on TorchSharp, and a LoRA training checkpoint moving between engines.</summary>
public class TorchFreezingTests
{
    private static TrainerBuilder Builder(ITrainableLanguageModel model) => Trainer.For(model)
        .WithObjective(new NextTokenPrediction())
        .WithOptimizer(o => o.AdamW(lr: 1e-2))
        .WithSpecialTokens(ParityFixture.Special)
        .WithSeed(3);

    [Test]
    public void TrainOnly_sets_requires_grad_and_keeps_moments_and_gradients_for_the_trainable_parameters_only()
    {
        var (_, torchModel) = ParityFixture.Models(seed: 2);
        using var _ = torchModel;
        var before = torchModel.ExportWeights().ToDictionary(w => w.Key, w => w.Value.Values);
        using var trainer = Builder(torchModel).TrainOnly("*.v_proj").Build();
        var report = trainer.Fit(ParityFixture.Sequences(8, seed: 1), epochs: 1, batchSize: 4);
        var trainable = torchModel.Parameters.Where(p => p.Trainable).Select(p => p.Name).ToArray();
        Assert.That(trainable, Is.EquivalentTo(new[] { "model.layers.0.self_attn.v_proj.weight", "model.layers.1.self_attn.v_proj.weight" }));
        Assert.That(trainer.Session.ExportOptimizerState().Keys, Is.EquivalentTo(trainable.SelectMany(n => new[] { "exp_avg/" + n, "exp_avg_sq/" + n })));
        foreach (var (name, parameter) in torchModel.named_parameters())
            Assert.That(parameter.grad is null, Is.EqualTo(!trainable.Contains(name)), name);
        foreach (var (name, values) in torchModel.ExportWeights())
            if (trainable.Contains(name)) Assert.That(values.Values, Is.Not.EqualTo(before[name]), name);
            else Assert.That(values.Values, Is.EqualTo(before[name]), name);
        Assert.That(report.TrainableParameters, Is.EqualTo(torchModel.TrainableParameterCount()));
    }

    [Test]
    public void A_LoRA_checkpoint_written_on_TorchSharp_resumes_on_our_engine()
    {
        using var temp = new TempDirectory();
        var config = new LoraConfig { Rank = 2, Alpha = 4, TargetModules = ["q_proj", "v_proj"] };
        var (native, torchBase) = ParityFixture.Models(seed: 6);
        using var _ = torchBase;
        using var torchLora = TorchLoraModel.Apply(torchBase, config, seed: 1);
        string root = temp.File("run");
        using (var trainer = Builder(torchLora).WithCheckpointing(root, everySteps: 2).Build())
            trainer.Fit(ParityFixture.Sequences(8, seed: 1), epochs: 1, batchSize: 4);
        string checkpoint = Checkpoints.TrainingCheckpoint.FindLatest(root)!;

        var nativeLora = LoraModel.Apply(native, config, seed: 99);
        using var resumed = Builder(nativeLora).ResumeFrom(checkpoint).Build();
        Assert.That(resumed.StepCount, Is.EqualTo(2));
        var expected = torchLora.ExportAdapter();
        var actual = nativeLora.ExportAdapter();
        for (int i = 0; i < expected.Count; i++) Assert.That(actual[i].Value.Values, Is.EqualTo(expected[i].Value.Values), expected[i].Key);
    }
}
