using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Lora;
using Reversal.Training.Engine.Tests.Reference;
using Reversal.Training.FineTuning;

namespace Reversal.Training.Engine.Tests.Lora;

/// <summary>New tokens on a pretrained model: resized embedding and head keep every old logit and start the new rows
/// at the mean row; under LoRA with the embedding and head saved, the new rows train.</summary>
public class ResizeTokenEmbeddingsTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Old_tokens_keep_their_logits_bit_for_bit_and_new_rows_are_the_mean(bool tied)
    {
        var model = TinyLlama.Create(5, tied);
        var resized = model.ResizeTokenEmbeddings(14);
        Assert.That(resized.Config.VocabSize, Is.EqualTo(14));
        var batch = TinyLlama.CausalBatch(9);
        float[] before, after;
        using (GradMode.NoGrad())
        {
            before = model.Forward(batch).ToArray();
            after = resized.Forward(batch).ToArray();
        }
        for (int row = 0; row < before.Length / 11; row++)
            Assert.That(after.AsSpan(row * 14, 11).ToArray(), Is.EqualTo(before.AsSpan(row * 11, 11).ToArray()), $"position {row}");

        foreach (var weight in tied ? new[] { resized.Backbone.EmbedTokens.Weight } : [resized.Backbone.EmbedTokens.Weight, resized.HeadWeight])
        {
            var values = weight.ToArray();
            for (int d = 0; d < 8; d++)
            {
                double mean = Enumerable.Range(0, 11).Average(v => (double)values[v * 8 + d]);
                for (int v = 11; v < 14; v++) Assert.That(values[v * 8 + d], Is.EqualTo((float)mean), $"row {v}, column {d}");
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ResizeTokenEmbeddings(10));
    }

    [Test]
    public void New_rows_train_under_LoRA_when_embedding_and_head_are_saved_and_the_pair_saves_and_reloads()
    {
        var resized = TinyLlama.Create(5).ResizeTokenEmbeddings(13);
        var lora = LoraModel.Apply(resized, new LoraConfig { Rank = 2, ModulesToSave = ["embed_tokens", "lm_head"] }, seed: 1);
        var ids = new[] { 1, 11, 12, 3, 11, 2 };
        var targets = new[] { 11, 12, 3, 11, 2, -100 };
        var batch = new Objectives.ObjectiveBatch(1, 6, ids, [0, 1, 2, 3, 4, 5], targets, Reversal.Training.Attention.AttentionMaskPolicy.Causal, Enumerable.Repeat(true, 6).ToArray(), "new tokens");
        lora.Base.Loss(batch).Backward();
        var embeddingGrad = lora.Base.Backbone.EmbedTokens.Weight.Grad!.ToArray();
        var headGrad = lora.Base.HeadWeight.Grad!.ToArray();
        for (int v = 11; v < 13; v++)
        {
            Assert.That(embeddingGrad.AsSpan(v * 8, 8).ToArray().Any(g => g != 0), $"embedding row {v} gets a gradient");
            Assert.That(headGrad.AsSpan(v * 8, 8).ToArray().Any(g => g != 0), $"head row {v} gets a gradient");
        }

        using var temp = new TempDirectory();
        resized.Save(temp.File("model"));
        lora.SaveAdapter(temp.File("adapter"));
        var reloaded = LoraModel.Load(LlamaModel.Load(temp.File("model")), temp.File("adapter"));
        using (GradMode.NoGrad())
            Assert.That(reloaded.Base.Forward(batch).ToArray(), Is.EqualTo(lora.Base.Forward(batch).ToArray()));
    }
}
