using Reversal.Training.Models;
using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Llama;

public class StateDictTests
{
    [Test]
    public void LoadStateDict_copies_every_tensor_of_a_matching_dict()
    {
        var source = TinyLlama.Create(31);
        var target = TinyLlama.Create(32);
        target.LoadStateDict(source.StateDict());
        var batch = TinyLlama.CausalBatch(412);
        Compare.Identical(target.Forward(batch).ToArray(), source.Forward(batch).ToArray(), "logits after loading");
        Assert.That(ReferenceEquals(target.StateDict()["model.norm.weight"], source.StateDict()["model.norm.weight"]), Is.False, "values are copied, not shared");
    }

    [Test]
    public void LoadStateDict_refuses_a_missing_tensor_and_modifies_nothing()
    {
        var state = CopyOf(TinyLlama.Create(33));
        state.Remove("model.layers.1.mlp.up_proj.weight");
        var ex = AssertRefusedWithoutChanges(state);
        Assert.That(ex.Message, Does.Contain("model.layers.1.mlp.up_proj.weight").And.Contain("missing"));
    }

    [Test]
    public void LoadStateDict_refuses_an_extra_tensor_and_modifies_nothing()
    {
        var state = CopyOf(TinyLlama.Create(34));
        state["model.layers.2.mlp.up_proj.weight"] = Tensor.Zeros(12, 8);
        var ex = AssertRefusedWithoutChanges(state);
        Assert.That(ex.Message, Does.Contain("model.layers.2.mlp.up_proj.weight").And.Contain("unexpected"));
    }

    [Test]
    public void LoadStateDict_refuses_a_mis_shaped_tensor_and_modifies_nothing()
    {
        var state = CopyOf(TinyLlama.Create(35));
        state["model.layers.0.self_attn.k_proj.weight"] = Tensor.Zeros(8, 8);
        var ex = AssertRefusedWithoutChanges(state);
        Assert.That(ex.Message, Does.Contain("model.layers.0.self_attn.k_proj.weight").And.Contain("[8, 8]").And.Contain("[4, 8]"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void LoadStateDict_refuses_non_finite_weights_and_modifies_nothing(float poison)
    {
        var state = CopyOf(TinyLlama.Create(36));
        var corrupt = state["model.layers.1.self_attn.o_proj.weight"].Clone();
        corrupt.AsSpan()[5] = poison;
        state["model.layers.1.self_attn.o_proj.weight"] = corrupt;
        var ex = AssertRefusedWithoutChanges(state);
        Assert.That(ex.Message, Does.Contain("model.layers.1.self_attn.o_proj.weight").And.Contain($"holds {poison} at element 5"));
    }

    [Test]
    public void LoadStateDict_names_every_offending_tensor()
    {
        var state = CopyOf(TinyLlama.Create(36));
        state.Remove("model.norm.weight");
        state["lm_head.bias"] = Tensor.Zeros(11);
        state["model.embed_tokens.weight"] = Tensor.Zeros(12, 8);
        var ex = AssertRefusedWithoutChanges(state);
        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Does.Contain("model.norm.weight"));
            Assert.That(ex.Message, Does.Contain("lm_head.bias"));
            Assert.That(ex.Message, Does.Contain("model.embed_tokens.weight"));
            Assert.That(ex.Problems, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void Tied_model_refuses_an_lm_head()
    {
        var untied = TinyLlama.Create(37);
        var tied = TinyLlama.Create(38, tied: true);
        var before = CopyOf(tied);
        var ex = Assert.Throws<StateDictMismatchException>(() => tied.LoadStateDict(untied.StateDict()));
        Assert.That(ex!.Message, Does.Contain("lm_head.weight"));
        AssertUnchanged(tied, before);
    }

    private static StateDictMismatchException AssertRefusedWithoutChanges(Dictionary<string, Tensor> state)
    {
        // a different model receives the bad dict: any partial copy would be visible
        var target = TinyLlama.Create(99);
        var before = CopyOf(target);
        var ex = Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(state))!;
        AssertUnchanged(target, before);
        return ex;
    }

    private static void AssertUnchanged(Module module, Dictionary<string, Tensor> before)
    {
        foreach (var (name, tensor) in module.StateDict())
            Compare.Identical(tensor.ToArray(), before[name].ToArray(), $"{name} after a refused load");
    }

    private static Dictionary<string, Tensor> CopyOf(Module module) =>
        module.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone(), StringComparer.Ordinal);
}
