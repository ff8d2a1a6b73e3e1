using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Optim;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.Models;

namespace Reversal.Training.Engine.Tests.Optim;

public class FreezingTests
{
    [Test]
    public void A_frozen_parameter_gets_no_gradient_buffer_in_backward()
    {
        var model = TinyLlama.Create(3);
        model.Backbone.EmbedTokens.SetTrainable(false);
        model.Loss(TinyLlama.CausalBatch(5)).Backward();
        foreach (var (name, p) in model.NamedParameters())
            Assert.That(p.Grad is null, Is.EqualTo(name == "model.embed_tokens.weight"), name);
    }

    [Test]
    public void Freezing_releases_an_existing_gradient_and_the_model_reports_trainability()
    {
        var model = TinyLlama.Create(3);
        model.Loss(TinyLlama.CausalBatch(5)).Backward();
        model.Freeze("model.layers.0");
        foreach (var (name, p) in model.NamedParameters())
        {
            bool frozen = name.StartsWith("model.layers.0.", StringComparison.Ordinal);
            Assert.That(p.Grad is null, Is.EqualTo(frozen), name);
            Assert.That(model.ParameterInfos().Single(i => i.Name == name).Trainable, Is.EqualTo(!frozen), name);
        }
        Assert.That(model.TrainableParameterCount(), Is.EqualTo(model.TrainableParameterCount));
        Assert.That(model.TrainableParameterCount, Is.LessThan(model.ParameterCount));
        model.Unfreeze("model.layers.0.mlp");
        Assert.That(model.Backbone.Layers[0].Mlp.GateProj.Weight.Trainable, Is.True);
        Assert.That(model.Backbone.Layers[0].SelfAttention.QProj.Weight.Trainable, Is.False);
    }

    [Test]
    public void An_optimizer_refuses_a_frozen_parameter()
    {
        var model = TinyLlama.Create(3);
        model.Backbone.Norm.SetTrainable(false);
        var ex = Assert.Throws<ArgumentException>(() => new AdamW(model.Parameters()))!;
        Assert.That(ex.Message, Does.Contain("frozen"));
        var adam = new AdamW(model.Parameters().Where(p => p.Trainable));
        Assert.That(adam.StateElementCount, Is.EqualTo(2 * model.TrainableParameterCount));
    }

    [Test]
    public void The_training_session_keeps_moments_for_trainable_parameters_only()
    {
        var model = TinyLlama.Create(3);
        model.TrainOnly("lm_head");
        using var session = model.CreateTrainingSession(new AdamWSettings());
        Assert.That(session.ExportOptimizerState().Keys, Is.EquivalentTo(new[] { "exp_avg/lm_head.weight", "exp_avg_sq/lm_head.weight" }));
    }
}
