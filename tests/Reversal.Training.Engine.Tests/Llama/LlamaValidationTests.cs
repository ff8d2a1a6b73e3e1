using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Tests.Reference;

namespace Reversal.Training.Engine.Tests.Llama;

public class LlamaValidationTests
{
    [Test]
    public void Forward_refuses_a_token_id_outside_the_vocabulary_naming_row_and_position()
    {
        var model = TinyLlama.Create(21, rescale: false);
        var ids = Samples.Ints(411, 2 * 5, 11);
        ids[5 + 2] = 11; // row 1, position 2
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(ids, 2, 5));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("11"));
            Assert.That(ex.Message, Does.Contain("row 1"));
            Assert.That(ex.Message, Does.Contain("position 2"));
        });
    }

    [Test]
    public void Forward_refuses_a_sequence_longer_than_the_context()
    {
        var model = TinyLlama.Create(22, rescale: false);
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(new int[17], 1, 17));
        Assert.That(ex!.Message, Does.Contain("17").And.Contain("16"));
        Assert.DoesNotThrow(() => model.Forward(new int[16], 1, 16), "exactly the context length is fine");
    }

    [Test]
    public void Forward_refuses_a_position_id_outside_the_context()
    {
        var model = TinyLlama.Create(23, rescale: false);
        Assert.Throws<ArgumentException>(() => model.Forward(new int[3], 1, 3, positionIds: [0, 1, 16]));
    }

    [Test]
    public void Forward_refuses_ids_that_do_not_form_the_batch() =>
        Assert.Throws<ArgumentException>(() => TinyLlama.Create(24, rescale: false).Forward(new int[9], 2, 5));

    [Test]
    public void Validate_refuses_heads_that_do_not_divide_the_hidden_size()
    {
        var config = TinyLlama.Config() with { NumAttentionHeads = 3, NumKeyValueHeads = 1 };
        Assert.Multiple(() =>
        {
            var ex = Assert.Throws<ArgumentException>(config.Validate);
            Assert.That(ex!.Message, Does.Contain("NumAttentionHeads"));
            Assert.Throws<ArgumentException>(() => LlamaModel.Create(config));
        });
    }

    [Test]
    public void Validate_refuses_kv_heads_that_do_not_divide_the_heads()
    {
        var config = TinyLlama.Config() with { HiddenSize = 16, NumAttentionHeads = 4, NumKeyValueHeads = 3 };
        Assert.Multiple(() =>
        {
            var ex = Assert.Throws<ArgumentException>(config.Validate);
            Assert.That(ex!.Message, Does.Contain("NumKeyValueHeads"));
            Assert.Throws<ArgumentException>(() => LlamaModel.Create(config));
        });
    }

    [Test]
    public void Validate_refuses_other_bad_values()
    {
        var good = TinyLlama.Config();
        Assert.Multiple(() =>
        {
            Assert.DoesNotThrow(good.Validate);
            Assert.Throws<ArgumentException>((good with { VocabSize = 0 }).Validate, "vocab 0");
            Assert.Throws<ArgumentException>((good with { NumHiddenLayers = 0 }).Validate, "no layers");
            Assert.Throws<ArgumentException>((good with { HiddenSize = 6, NumAttentionHeads = 2 }).Validate, "odd head size");
            Assert.Throws<ArgumentException>((good with { RmsNormEps = 0f }).Validate, "eps 0");
            Assert.Throws<ArgumentException>((good with { NumKeyValueHeads = 0 }).Validate, "0 kv heads");
        });
    }
}
