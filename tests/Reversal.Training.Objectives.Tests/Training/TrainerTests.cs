using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Schedules;
using Reversal.Training.Engine.Optim;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;
using Reversal.Training;

namespace Reversal.Training.Objectives.Tests.Training;

public class TrainerTests
{
    private static Trainer Build(LlamaModel model, long seed = 7, int accumulation = 1, double lr = 3e-3) =>
        Trainer.For(model)
            .WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithOptimizer(o => o.AdamW(lr: lr, weightDecay: 0.01).ClipGradNorm(1.0))
            .WithSchedule(s => s.WarmupCosine(warmupSteps: 5, totalSteps: 100))
            .WithSeed(seed)
            .WithGradientAccumulation(accumulation)
            .Build();

    [Test]
    public void Tiny_model_memorises_eight_sequences_within_300_steps()
    {
        var data = TinyTask.Memorisable(8, seed: 3);
        var model = LlamaModel.Create(LlamaConfig.Tiny(TinyTask.Vocab), seed: 42);
        var trainer = Trainer.For(model)
            .WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithOptimizer(o => o.AdamW(lr: 3e-3, weightDecay: 0.0).ClipGradNorm(1.0))
            .WithSchedule(s => s.WarmupCosine(warmupSteps: 20))
            .WithSeed(1)
            .Build();

        var report = trainer.Fit(data, epochs: 300, batchSize: 8);

        Assert.That(report.Steps, Is.EqualTo(300));
        int firstBelow = report.Losses.ToList().FindIndex(l => l < 0.05);
        TestContext.Out.WriteLine($"loss: first {report.Losses[0]:F4}, final {report.FinalLoss:F5}, first step below 0.05: {firstBelow + 1}");
        Assert.That(report.FinalLoss, Is.LessThan(0.05));
    }

    [Test]
    public void Same_seed_gives_the_identical_loss_sequence()
    {
        var data = TinyTask.Sequences(12, seed: 5);
        var first = Build(TinyTask.SmallModel(9)).Fit(data, epochs: 3, batchSize: 4).Losses;
        var second = Build(TinyTask.SmallModel(9)).Fit(data, epochs: 3, batchSize: 4).Losses;
        var otherSeed = Build(TinyTask.SmallModel(9), seed: 8).Fit(data, epochs: 3, batchSize: 4).Losses;

        Assert.That(second, Is.EqualTo(first), "bit-identical losses for the same seed");
        Assert.That(otherSeed, Is.Not.EqualTo(first), "a different data-order seed changes the run");
    }

    [Test, NonParallelizable]
    public void Loss_sequence_does_not_depend_on_the_thread_count()
    {
        var data = TinyTask.Sequences(12, seed: 5);
        int saved = Compute.MaxThreads;
        try
        {
            Compute.MaxThreads = 1;
            var single = Build(LlamaModel.Create(LlamaConfig.Tiny(TinyTask.Vocab), 4)).Fit(data, epochs: 2, batchSize: 6).Losses;
            Compute.MaxThreads = 2;
            var dual = Build(LlamaModel.Create(LlamaConfig.Tiny(TinyTask.Vocab), 4)).Fit(data, epochs: 2, batchSize: 6).Losses;
            Assert.That(dual, Is.EqualTo(single));
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }

    [Test]
    public void Gradient_accumulation_matches_the_full_batch_step()
    {
        var batch = TinyTask.Sequences(6, seed: 11);
        var full = TinyTask.SmallModel(2);
        var accumulated = TinyTask.SmallModel(2);
        var fullResult = Build(full).TrainStep(batch);
        var accResult = Build(accumulated, accumulation: 3).TrainStep(batch);

        Assert.That(accResult.Loss, Is.EqualTo(fullResult.Loss).Within(1e-5));
        Assert.That(accResult.GradientNorm, Is.EqualTo(fullResult.GradientNorm).Within(1e-4 * fullResult.GradientNorm));
        var a = full.StateDict(); var b = accumulated.StateDict();
        foreach (var (name, tensor) in a)
        {
            var x = tensor.ToArray(); var y = b[name].ToArray();
            for (int i = 0; i < x.Length; i++)
                Assert.That(y[i], Is.EqualTo(x[i]).Within(1e-5), $"{name}[{i}]");
        }
    }

    [Test]
    public void Reports_progress_every_step_and_returns_a_complete_report()
    {
        var seen = new List<TrainingProgress>();
        var trainer = Trainer.For(TinyTask.SmallModel(1))
            .WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithProgress(new InlineProgress<TrainingProgress>(seen.Add))
            .Build();

        var report = trainer.Fit(TinyTask.Sequences(10, 1), epochs: 2, batchSize: 4);

        Assert.Multiple(() =>
        {
            Assert.That(report.Steps, Is.EqualTo(6), "ceil(10/4) = 3 batches × 2 epochs");
            Assert.That(report.EpochsCompleted, Is.EqualTo(2));
            Assert.That(report.StoppedEarly, Is.False);
            Assert.That(report.Evaluations, Is.Empty);
            Assert.That(report.TokensPerSecond, Is.GreaterThan(0));
            Assert.That(seen.Select(p => p.Step), Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6 }));
            Assert.That(seen.All(p => p.TotalSteps == 6 && p.Objective == "ntp"), Is.True);
            Assert.That(seen.Select(p => p.Epoch), Is.EqualTo(new[] { 1, 1, 1, 2, 2, 2 }));
        });
    }

    [Test]
    public void Cancellation_stops_at_a_step_boundary_and_says_nothing_was_kept_without_checkpointing()
    {
        using var cts = new CancellationTokenSource();
        var trainer = Trainer.For(TinyTask.SmallModel(1))
            .WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithProgress(new InlineProgress<TrainingProgress>(p => { if (p.Step == 2) cts.Cancel(); }))
            .Build();

        var cancelled = Assert.Throws<TrainingCancelledException>(() => trainer.Fit(TinyTask.Sequences(10, 1), epochs: 5, batchSize: 2, cts.Token))!;

        Assert.That(cancelled.Step, Is.EqualTo(2));
        Assert.That(trainer.StepCount, Is.EqualTo(2));
        Assert.That(cancelled.Checkpoint, Is.Null);
        Assert.That(cancelled.CancellationToken, Is.EqualTo(cts.Token));
    }

    [Test]
    public void A_trainer_needs_the_tokenizers_special_tokens()
    {
        var builder = Trainer.For(TinyTask.SmallModel(1)).WithObjective(new NextTokenPrediction());
        Assert.That(() => builder.Build(), Throws.InvalidOperationException.With.Message.Contains("WithSpecialTokens"));
    }

    [Test]
    public void TrainStep_refuses_a_cosine_decay_without_a_horizon_and_reports_progress_with_one()
    {
        var data = TinyTask.Sequences(4, 1);
        var withoutHorizon = Trainer.For(TinyTask.SmallModel(1)).WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithSchedule(s => s.WarmupCosine(warmupSteps: 2)).Build();
        Assert.That(() => withoutHorizon.TrainStep(data), Throws.InvalidOperationException.With.Message.Contains("pass totalSteps"));

        var seen = new List<TrainingProgress>();
        var withHorizon = Trainer.For(TinyTask.SmallModel(1)).WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithSchedule(s => s.WarmupCosine(warmupSteps: 2, totalSteps: 10)).WithProgress(new InlineProgress<TrainingProgress>(seen.Add)).Build();
        var step = withHorizon.TrainStep(data);
        Assert.That(seen.Select(p => p.Step), Is.EqualTo(new long[] { 1 }));
        Assert.That(seen[0].Loss, Is.EqualTo(step.Loss));
        Assert.That(seen[0].LearningRate, Is.EqualTo(step.LearningRate));
    }

    [Test]
    public void The_evaluation_hook_measures_every_n_steps_and_stops_when_patience_runs_out()
    {
        var values = new Queue<double>([5.0, 4.0, 4.5, 4.2, 3.0, 2.0]);
        var trainer = Trainer.For(TinyTask.SmallModel(1)).WithObjective(new NextTokenPrediction()).WithSpecialTokens(SpecialTokenIds.Default)
            .WithEvaluation("validation_loss", everySteps: 2, _ => values.Dequeue(), higherIsBetter: false, patience: 2)
            .Build();

        var report = trainer.Fit(TinyTask.Sequences(20, 1), epochs: 10, batchSize: 2);

        Assert.That(report.StoppedEarly, Is.True, "4.5 and 4.2 do not improve on 4.0: two evaluations without improvement");
        Assert.That(report.Evaluations.Select(e => (e.Step, e.Value)), Is.EqualTo(new[] { (2L, 5.0), (4L, 4.0), (6L, 4.5), (8L, 4.2) }));
        Assert.That(report.Steps, Is.EqualTo(8));
    }

    [Test]
    public void A_non_finite_loss_stops_training_without_touching_the_weights()
    {
        var model = TinyTask.SmallModel(1);
        model.Backbone.EmbedTokens.Weight[5, 0] = float.NaN;
        var before = model.StateDict()["model.layers.0.mlp.up_proj.weight"].ToArray();
        var trainer = Build(model);

        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep([new TokenSequence([2, 5, 6, 3])]));

        Assert.That(ex!.Message, Does.Contain("step 1").And.Contain("not finite"));
        Assert.That(model.StateDict()["model.layers.0.mlp.up_proj.weight"].ToArray(), Is.EqualTo(before));
        Assert.That(trainer.StepCount, Is.EqualTo(0));
    }

    [Test]
    public void Token_ids_outside_the_vocabulary_are_refused_with_their_location()
    {
        var trainer = Build(TinyTask.SmallModel(1));
        var ex = Assert.Throws<ArgumentException>(() => trainer.TrainStep([new TokenSequence([2, 5, 3]), new TokenSequence([2, 7, TinyTask.Vocab + 3, 3])]));
        Assert.That(ex!.Message, Does.Contain($"Token id {TinyTask.Vocab + 3} at row 1, position 2").And.Contain("outside the vocabulary"));
    }

    [Test]
    public void Sequences_longer_than_the_context_are_refused()
    {
        var trainer = Build(TinyTask.SmallModel(1));
        var longSequence = new TokenSequence(Enumerable.Repeat(5, 40).ToArray());
        Assert.That(() => trainer.TrainStep([longSequence]), Throws.TypeOf<SequenceTooLongException>().With.Message.Contains("context is 32"));
    }

    [Test]
    public void Builder_validates_its_inputs()
    {
        var model = TinyTask.SmallModel(1);
        Assert.Multiple(() =>
        {
            Assert.That(() => Trainer.For(model).Build(), Throws.InvalidOperationException.With.Message.Contains("WithObjective"));
            Assert.That(() => Trainer.For(model).WithOptimizer(o => o.AdamW(lr: -1)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Trainer.For(model).WithOptimizer(o => o.ClipGradNorm(0)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Trainer.For(model).WithGradientAccumulation(0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Trainer.For(model).WithObjective(new NextTokenPrediction()).WithSpecialTokens(new SpecialTokenIds(0, 1, 2, 99)).Build(),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Special token Eos has id 99, outside the vocabulary [0, ").And.Message.Contains("of the model"));
            Assert.That(() => Build(model).Fit([], 1, 1), Throws.ArgumentException.With.Message.Contains("non-empty"));
        });
    }
}
