using Reversal.Training.Engine.Llama;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Llama;
using TorchSharp;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>KV-cache decoding on LibTorch: ragged batches decode like our engine, row by row.</summary>
public class DecodingTests
{
    private static LlamaConfig Config => ParityFixture.Config() with { InitializerRange = 0.5f };

    [Test]
    public void Batched_greedy_decoding_of_ragged_prompts_gives_our_engines_tokens_on_every_row()
    {
        var native = LlamaModel.Create(Config, seed: 3);
        using var torchModel = TorchLlama.Create(Config, seed: 3, torch.CPU);
        int[][] prompts = [[2, 9, 14], [2, 30, 11, 8, 21, 17, 33], [2], [2, 12, 12, 19, 25]];
        var options = GenerationOptions.Greedy(10);

        var torchTokens = Generator.Generate(torchModel, prompts, options, batchSize: 4);
        for (int i = 0; i < prompts.Length; i++)
            Assert.That(torchTokens[i], Is.EqualTo(Generator.Generate(native, prompts[i], options)), $"row {i}");
    }

    [Test]
    public void The_cache_gives_the_logits_of_a_full_forward_pass()
    {
        using var torchModel = TorchLlama.Create(Config, seed: 4, torch.CPU);
        int[] sequence = [2, 15, 22, 9, 31, 7];
        using var session = torchModel.StartDecoding(1, 16);
        float[] cached = session.Append(sequence.AsSpan(0, 3));
        foreach (int id in sequence.AsSpan(3, 2)) cached = session.Append([id]);

        var input = new ModelInput(1, 5, sequence[..5]);
        float[] full = torchModel.Logits(input, [4]);
        Assert.That(ParityFixture.MaxRelativeError(cached, full), Is.LessThanOrEqualTo(1e-5));
        Assert.That(session.Length(0), Is.EqualTo(5));
    }

    [Test]
    public void Bad_appends_are_refused_by_row()
    {
        using var torchModel = TorchLlama.Create(Config, seed: 4, torch.CPU);
        using var session = torchModel.StartDecoding(2, 4);
        Assert.Multiple(() =>
        {
            Assert.That(() => session.Append([1, 2, 3]), Throws.ArgumentException.With.Message.Contains("do not form [2, n]"));
            Assert.That(() => session.Append([1, 99]), Throws.ArgumentException.With.Message.Contains("Token id 99 of row 1"));
            Assert.That(() => session.Append([1, 2], [true, false]), Throws.ArgumentException.With.Message.Contains("Row 1 has no kept token"));
            Assert.That(() => session.Append([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), Throws.ArgumentException.With.Message.Contains("more than the session's capacity 4"));
            Assert.That(() => torchModel.StartDecoding(1, 49), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
