using Reversal.Training.Attention;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.TorchSharp.Attention;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Llama;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>ToTorch carries exactly the objective's arrays and the policy's masks.</summary>
public class TorchBatchTests
{
    [TestCase("causal")]
    [TestCase("bico")]
    [TestCase("abi")]
    public void Tensors_and_masks_are_the_policys_and_the_objectives(string kind)
    {
        var batch = ParityFixture.Prepare(kind switch { "causal" => ParityFixture.Causal, "bico" => ParityFixture.Bico, _ => ParityFixture.Abi }, seed: 3);
        using var t = batch.ToTorch(CPU);
        int b = batch.BatchSize, n = batch.SequenceLength;
        Assert.Multiple(() =>
        {
            Assert.That(t.InputIds.dtype, Is.EqualTo(ScalarType.Int64));
            Assert.That(t.InputIds.shape, Is.EqualTo(new long[] { b, n }));
            Assert.That(t.InputIds.data<long>().ToArray(), Is.EqualTo(batch.InputIds.Select(i => (long)i)));
            Assert.That(t.PositionIds.data<long>().ToArray(), Is.EqualTo(batch.PositionIds.Select(i => (long)i)));
            Assert.That(t.Targets!.data<long>().ToArray(), Is.EqualTo(batch.Targets.Select(i => (long)i)), "targets as the objective aligned them, −100 kept");
            Assert.That(t.KeyMask.data<bool>().ToArray(), Is.EqualTo(batch.KeyMask));
        });
        Assert.That(t.IsPlainCausal, Is.False, "every prepared batch here has padding or a mirrored policy");
        var visible = t.Visible!.data<bool>().ToArray();
        var mirrored = t.Mirrored?.data<bool>().ToArray();
        for (int row = 0; row < b; row++)
            for (int q = 0; q < n; q++)
                for (int k = 0; k < n; k++)
                {
                    int index = (row * n + q) * n + k;
                    bool expectVisible = batch.Attention.IsVisible(row, q, k, n) && batch.KeyMask[row * n + k];
                    Assert.That(visible[index], Is.EqualTo(expectVisible), $"visible row {row} query {q} key {k}");
                    if (mirrored is not null)
                        Assert.That(mirrored[index], Is.EqualTo(batch.Attention.UsesMirroredRope(batch.PositionIds[row * n + q], batch.PositionIds[row * n + k])),
                            $"mirrored row {row} query {q} key {k}");
                }
    }

    [Test]
    public void A_plain_causal_batch_takes_the_fused_path_without_mask_tensors()
    {
        var input = new ModelInput(2, 5, [2, 8, 9, 10, 3, 2, 11, 12, 13, 3]);
        using var t = input.ToTorch(CPU);
        Assert.That(t.IsPlainCausal, Is.True);
        Assert.That(t.Visible, Is.Null);
        Assert.That(t.Targets, Is.Null);
    }

    [Test]
    public void A_query_that_sees_no_key_outputs_zeros_and_passes_no_NaN_gradient()
    {
        // Row 1 is all padding: none of its queries sees a key.
        var input = new ModelInput(2, 4, [2, 8, 9, 3, 0, 0, 0, 0], attention: AttentionMaskPolicy.Bico,
            keyMask: [true, true, true, true, false, false, false, false]);
        using var t = input.ToTorch(CPU);
        Assert.That(t.EveryQueryHasAKey, Is.False);
        using var rope = new TorchRotaryEmbedding(new RotaryEmbedding(8, 16), CPU);
        using var q = randn(2, 2, 4, 8, requires_grad: true);
        using var k = randn(2, 2, 4, 8, requires_grad: true);
        using var v = randn(2, 2, 4, 8, requires_grad: true);
        using var output = PolicyAttention.Forward(q, k, v, t, rope);
        Assert.That(output[1].abs().sum().item<float>(), Is.EqualTo(0f));
        output.sum().backward();
        Assert.That(q.grad!.isnan().any().item<bool>(), Is.False);
        Assert.That(v.grad!.isnan().any().item<bool>(), Is.False);
    }

    [Test]
    public void Shapes_that_do_not_fit_are_refused_by_name()
    {
        using var t = new ModelInput(1, 4, [2, 8, 9, 3]).ToTorch(CPU);
        using var rope = new TorchRotaryEmbedding(new RotaryEmbedding(8, 16), CPU);
        using var q = randn(1, 4, 4, 8);
        using var k3 = randn(1, 3, 4, 8);
        using var k = randn(1, 2, 4, 8);
        using var wrongLength = randn(1, 2, 5, 8);
        Assert.Multiple(() =>
        {
            Assert.That(() => PolicyAttention.Forward(q, k3, k3, t, rope), Throws.ArgumentException.With.Message.Contains("head count dividing 4"));
            Assert.That(() => PolicyAttention.Forward(q, k, wrongLength, t, rope), Throws.ArgumentException.With.Message.Contains("must have the same shape"));
            Assert.That(() => PolicyAttention.Forward(q.view(4, 4, 8), k, k, t, rope), Throws.ArgumentException.With.Message.Contains("[B, H, T, d]"));
        });
    }

    [Test]
    public void The_model_refuses_token_ids_outside_its_vocabulary_by_row_and_position()
    {
        using var model = TorchLlama.Create(ParityFixture.Config(), seed: 1, CPU);
        var input = new ModelInput(2, 3, [2, 8, 9, 2, 77, 3]);
        Assert.That(() => model.Logits(input, [2, 2]), Throws.ArgumentException.With.Message.Contains("Token id 77 at row 1, position 1"));
        var tooLong = ParityFixture.Sequences(1, seed: 1)[0];
        var batch = new ObjectiveBatch(1, 49, new int[49], Enumerable.Range(0, 49).ToArray(), Enumerable.Repeat(-100, 49).ToArray(),
            AttentionMaskPolicy.Causal, Enumerable.Repeat(true, 49).ToArray(), "too-long");
        using var session = model.CreateTrainingSession(new AdamWSettings());
        Assert.That(() => session.AccumulateGradients(batch, 1), Throws.ArgumentException.With.Message.Contains("exceeds the model's context of 48"));
        Assert.That(tooLong.Length, Is.GreaterThan(0));
    }
}
