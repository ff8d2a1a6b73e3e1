using Reversal.Training.Checkpoints;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.Objectives.Tests.Training;

/// <summary>Freezing through the engine-neutral trainer: frozen parameters never change, get no gradient and no AdamW
/// state, and checkpoints hold moments for the trainable parameters only.</summary>
public class FreezingTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static TrainerBuilder Builder(LlamaModel model) => Trainer.For(model)
        .WithObjective(new NextTokenPrediction())
        .WithSpecialTokens(SpecialTokenIds.Default)
        .WithOptimizer(o => o.AdamW(lr: 1e-2))
        .WithSeed(3);

    private static Dictionary<string, float[]> Snapshot(LlamaModel model) =>
        model.ExportWeights().ToDictionary(w => w.Key, w => w.Value.Values, StringComparer.Ordinal);

    [Test]
    public void Frozen_parameters_stay_bit_identical_and_the_report_counts_trainable_and_total_scalars()
    {
        var model = TinyTask.SmallModel(1);
        var before = Snapshot(model);
        var report = Builder(model).Freeze("model.embed_tokens", "model.layers.*.mlp").Build()
            .Fit(TinyTask.Sequences(8, seed: 2), epochs: 1, batchSize: 4);

        var after = Snapshot(model);
        foreach (var (name, values) in before)
        {
            bool frozen = name == "model.embed_tokens.weight" || name.Contains(".mlp.", StringComparison.Ordinal);
            if (frozen) Assert.That(after[name], Is.EqualTo(values), $"{name} is frozen");
            else Assert.That(after[name], Is.Not.EqualTo(values), $"{name} is trained");
            Assert.That(model.NamedParameters().Single(p => p.Key == name).Value.Grad is null, Is.EqualTo(frozen), $"{name}: gradient buffer only when trainable");
        }
        long total = model.ParameterCount;
        long frozenCount = model.NamedParameters().Where(p => p.Key == "model.embed_tokens.weight" || p.Key.Contains(".mlp.", StringComparison.Ordinal)).Sum(p => (long)p.Value.Count);
        Assert.That(report.TotalParameters, Is.EqualTo(total));
        Assert.That(report.TrainableParameters, Is.EqualTo(total - frozenCount));
        Assert.That(frozenCount, Is.GreaterThan(0));
    }

    [Test]
    public void TrainOnly_trains_exactly_the_matching_parameters_and_keeps_AdamW_state_for_them_only()
    {
        var model = TinyTask.SmallModel(1);
        var trainer = Builder(model).TrainOnly("*.q_proj", "lm_head").Build();
        trainer.Fit(TinyTask.Sequences(4, seed: 2), epochs: 1, batchSize: 4);
        var trainable = model.ParameterInfos().Where(p => p.Trainable).Select(p => p.Name).ToArray();
        Assert.That(trainable, Is.EquivalentTo(new[] { "model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.q_proj.weight", "lm_head.weight" }));
        var state = trainer.Session.ExportOptimizerState();
        Assert.That(state.Keys, Is.EquivalentTo(trainable.SelectMany(n => new[] { "exp_avg/" + n, "exp_avg_sq/" + n })));
        Assert.That(trainer.TrainableParameterCount, Is.EqualTo(model.TrainableParameterCount));
    }

    [Test]
    public void A_pattern_that_matches_nothing_is_refused_by_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => Builder(TinyTask.SmallModel(1)).Freeze("model.embed_token").Build())!;
        Assert.That(ex.Message, Does.Contain("'model.embed_token'"));
    }

    [Test]
    public void Freezing_everything_is_refused_when_the_session_opens()
    {
        var ex = Assert.Throws<ArgumentException>(() => Builder(TinyTask.SmallModel(1)).Freeze("*").Build())!;
        Assert.That(ex.Message, Does.Contain("frozen"));
    }

    [Test]
    public void A_checkpoint_of_a_partly_frozen_run_resumes_bit_for_bit_and_refuses_a_model_frozen_differently()
    {
        var data = TinyTask.Sequences(8, seed: 4);
        var uninterrupted = Builder(TinyTask.SmallModel(1)).Freeze("model.embed_tokens").Build().Fit(data, epochs: 2, batchSize: 4).Losses;

        string root = _temp.File("run");
        using var cts = new CancellationTokenSource();
        var first = Builder(TinyTask.SmallModel(1)).Freeze("model.embed_tokens").WithCheckpointing(root, everySteps: 1)
            .WithProgress(new InlineProgress<TrainingProgress>(p => { if (p.Step == 2) cts.Cancel(); })).Build();
        var cancelled = Assert.Throws<TrainingCancelledException>(() => first.Fit(data, epochs: 2, batchSize: 4, cts.Token))!;

        using (var file = SafeTensorsFile.Open(Path.Combine(cancelled.Checkpoint!, TrainingCheckpoint.OptimizerFileName)))
            Assert.That(file.Names.Any(n => n.EndsWith("/model.embed_tokens.weight", StringComparison.Ordinal)), Is.False, "no moments for a frozen parameter");

        // The frozen embedding is restored from the checkpoint's weights too (a fresh model starts elsewhere).
        var resumed = Builder(TinyTask.SmallModel(1)).Freeze("model.embed_tokens").ResumeFrom(cancelled.Checkpoint!).Build().Fit(data, epochs: 2, batchSize: 4);
        Assert.That(resumed.Losses, Is.EqualTo(uninterrupted));

        var ex = Assert.Throws<CheckpointFormatException>(() => Builder(TinyTask.SmallModel(1)).ResumeFrom(cancelled.Checkpoint!).Build())!;
        Assert.That(ex.Message, Does.Contain("model.embed_tokens.weight"));
    }
}
