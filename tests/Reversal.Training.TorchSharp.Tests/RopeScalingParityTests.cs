using Reversal.Training.Attention;
using Reversal.Training.Engine.Llama;
using Reversal.Training.TorchSharp.Llama;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>A model with rope_scaling computes the same logits on both engines (TorchSharp reads the same RoPE tables).</summary>
public class RopeScalingParityTests
{
    [TestCase("llama3")]
    [TestCase("linear")]
    public void Scaled_RoPE_gives_the_same_logits_on_both_engines(string type)
    {
        var scaling = type == "llama3" ? RopeScaling.Llama3(8, 1, 4, 8) : RopeScaling.Linear(4);
        var config = ParityFixture.Config() with { RopeScaling = scaling, RopeTheta = 500000 };
        var native = LlamaModel.Create(config, seed: 3);
        using var torchModel = TorchLlama.Create(config, seed: 3);
        var plain = LlamaModel.Create(config with { RopeScaling = null }, seed: 3);
        var batch = ParityFixture.Prepare(ParityFixture.Causal, seed: 4);
        var nativeLogits = native.Forward(batch).ToArray();
        using var torchBatch = Batches.TorchBatchExtensions.ToTorch(batch, global::TorchSharp.torch.CPU);
        using var torchLogits = torchModel.Forward(torchBatch);
        Assert.That(ParityFixture.MaxRelativeError(torchLogits.data<float>().ToArray(), nativeLogits), Is.LessThanOrEqualTo(1e-4));
        Assert.That(plain.Forward(batch).ToArray(), Is.Not.EqualTo(nativeLogits), "the scaling changes the model");
    }
}
