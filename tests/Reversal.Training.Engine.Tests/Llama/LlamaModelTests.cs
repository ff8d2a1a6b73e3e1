using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Llama;

/// <summary>
/// The whole tiny GQA Llama (and its tied-embedding variant) against the float64 reference forward: logits, loss,
/// and the gradient of every parameter element against central finite differences of the reference loss.
/// </summary>
public class LlamaModelTests
{
    // Logits: two float32 layers of O(1) activations: |error| ≲ 1e-6 of O(1) values.
    private static readonly Tolerance Logits = new(1e-5, 1e-5);
    // Loss: O(1) mean cross-entropy.
    private const double LossTolerance = 1e-5;
    // Gradients: float32 backward through two layers (attention, RMSNorm, SwiGLU, CE): |error| ≲ 1e-6 absolute on
    // gradients of magnitude up to ~1.
    private static readonly Tolerance Gradient = new(1e-5, 1e-4);

    [TestCase(false)]
    [TestCase(true)]
    public void Logits_match_the_reference(bool tied)
    {
        var model = TinyLlama.Create(seed: 7, tied);
        var batch = TinyLlama.CausalBatch(seed: 401);
        var logits = model.Forward(batch);
        Assert.That(logits.Shape, Is.EqualTo(new[] { 2, 5, 11 }));
        var reference = new ReferenceLlama(model.Config, ReferenceLlama.Widen(model.StateDict()));
        Compare.Close(logits.ToArray(), TinyLlama.ReferenceLogits(reference, batch), Logits, "logits");
    }

    [Test]
    public void Logits_match_the_reference_at_the_default_initialisation()
    {
        var model = TinyLlama.Create(seed: 8, rescale: false);
        var batch = TinyLlama.CausalBatch(seed: 402, length: 7);
        var reference = new ReferenceLlama(model.Config, ReferenceLlama.Widen(model.StateDict()));
        Compare.Close(model.Forward(batch).ToArray(), TinyLlama.ReferenceLogits(reference, batch), new Tolerance(1e-6, 1e-5), "logits");
    }

    [Test]
    public void Default_positions_and_policy_are_causal_zero_to_T()
    {
        var model = TinyLlama.Create(seed: 9);
        var batch = TinyLlama.CausalBatch(seed: 403);
        var explicitLogits = model.Forward(batch).ToArray();
        var defaults = model.Forward(batch.InputIds, 2, 5).ToArray();
        Compare.Identical(defaults, explicitLogits, "defaulted Forward vs explicit causal batch");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Causal_loss_and_every_parameter_gradient_match_finite_differences(bool tied) =>
        CheckGradients(TinyLlama.Create(seed: 11, tied), TinyLlama.CausalBatch(seed: 404));

    [Test]
    public void Bico_loss_with_key_mask_and_every_parameter_gradient_match_finite_differences() =>
        CheckGradients(TinyLlama.Create(seed: 12), TinyLlama.BicoBatch(seed: 405));

    [Test]
    public void Prefix_bidirectional_loss_and_every_parameter_gradient_match_finite_differences() =>
        CheckGradients(TinyLlama.Create(seed: 13, tied: true), TinyLlama.PrefixBatch(seed: 406));

    [Test]
    public void Parameter_names_follow_hugging_face()
    {
        var names = TinyLlama.Create(1, rescale: false).StateDict().Keys.ToHashSet();
        var tiedNames = TinyLlama.Create(1, tied: true, rescale: false).StateDict().Keys.ToHashSet();
        string[] perLayer =
        [
            "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
            "self_attn.o_proj.weight", "post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight",
        ];
        var expected = new HashSet<string> { "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight" };
        for (int l = 0; l < 2; l++) foreach (var n in perLayer) expected.Add($"model.layers.{l}.{n}");
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EquivalentTo(expected));
            Assert.That(tiedNames, Is.EquivalentTo(expected.Where(n => n != "lm_head.weight")));
            var model = TinyLlama.Create(1, rescale: false);
            Assert.That(model.StateDict()["model.layers.1.self_attn.k_proj.weight"].Shape, Is.EqualTo(new[] { 4, 8 }), "GQA: 1 kv head of 4");
            Assert.That(model.StateDict()["model.layers.0.mlp.down_proj.weight"].Shape, Is.EqualTo(new[] { 8, 12 }));
        });
    }

    private static void CheckGradients(LlamaModel model, ObjectiveBatch batch)
    {
        var loss = model.Loss(batch);
        loss.Backward();

        var reference = new ReferenceLlama(model.Config, ReferenceLlama.Widen(model.StateDict()));
        double referenceLoss = TinyLlama.ReferenceLoss(reference, batch);
        Assert.That(loss.Item(), Is.EqualTo(referenceLoss).Within(LossTolerance), "loss");

        long checkedElements = 0;
        Assert.Multiple(() =>
        {
            foreach (var (name, parameter) in model.NamedParameters())
            {
                var numeric = FiniteDifference.Gradient(_ => TinyLlama.ReferenceLoss(reference, batch), reference.Parameters[name]);
                Assert.That(parameter.Grad, Is.Not.Null, $"{name} received no gradient");
                if (parameter.Grad is null) continue;
                Compare.Close(parameter.Grad.AsSpan(), numeric, Gradient, name);
                checkedElements += numeric.Length;
            }
        });
        Assert.That(checkedElements, Is.EqualTo(model.ParameterCount), "every parameter element was checked");
    }
}
