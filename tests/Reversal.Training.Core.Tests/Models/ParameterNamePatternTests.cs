using Reversal.Training.Models;

namespace Reversal.Training.Core.Tests.Models;

public class ParameterNamePatternTests
{
    [TestCase("model.embed_tokens.weight", "model.embed_tokens.weight", true)]
    [TestCase("model.embed_tokens", "model.embed_tokens.weight", true)]
    [TestCase("model.embed_token", "model.embed_tokens.weight", false)]
    [TestCase("*.q_proj", "model.layers.3.self_attn.q_proj.weight", true)]
    [TestCase("*.q_proj", "model.layers.3.self_attn.k_proj.weight", false)]
    [TestCase("model.layers.?.mlp", "model.layers.7.mlp.up_proj.weight", true)]
    [TestCase("model.layers.?.mlp", "model.layers.17.mlp.up_proj.weight", false)]
    [TestCase("model.layers.1*", "model.layers.12.mlp.up_proj.weight", true)]
    [TestCase("lm_head", "lm_head.weight", true)]
    [TestCase("lm_head", "model.lm_head_extra.weight", false)]
    [TestCase("*norm*", "model.layers.0.input_layernorm.weight", true)]
    public void Matches_whole_names_and_enclosing_module_paths(string pattern, string name, bool expected) =>
        Assert.That(new ParameterNamePattern(pattern).Matches(name), Is.EqualTo(expected));

    [TestCase("")]
    [TestCase("  ")]
    [TestCase(".weight")]
    [TestCase("model.")]
    public void Malformed_patterns_are_refused(string pattern) =>
        Assert.Throws<ArgumentException>(() => new ParameterNamePattern(pattern));

    [Test]
    public void Select_unions_the_patterns_and_names_one_that_matches_nothing()
    {
        string[] names = ["a.x.weight", "a.y.weight", "b.weight"];
        Assert.That(ParameterNamePattern.Select(names, ["a.x", "b"]), Is.EquivalentTo(new[] { "a.x.weight", "b.weight" }));
        var ex = Assert.Throws<ArgumentException>(() => ParameterNamePattern.Select(names, ["a.x", "c"]))!;
        Assert.That(ex.Message, Does.Contain("'c'"));
        Assert.Throws<ArgumentException>(() => ParameterNamePattern.Select(names, []));
    }
}
