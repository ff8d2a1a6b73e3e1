using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.TestSupport.Models;
using Reversal.Training.TorchSharp.Llama;
using TorchSharp;

namespace Reversal.Training.TorchSharp.Tests;

/// <summary>
/// Decoding after a bidirectional prefix over LibTorch's KV cache (<see cref="IPrefixDecodingSession"/>): after every
/// call, the logits of one full forward under <c>PrefixBidirectional</c> with the same position ids (including the
/// pairs scored with the sine-negated rotation), the logits of our engine's prefix session on the same weights, and
/// the tokens of infill decoding that re-runs the full forward.
/// </summary>
public class PrefixDecodingTests
{
    private const double LogitTolerance = 1e-4;

    /// <summary>The parity model with a wide init, so logits are far from uniform and infilling decodes long rows.</summary>
    private static LlamaConfig Config => ParityFixture.Config() with { InitializerRange = 0.5f };

    private static void AssertClose(float[] actual, float[] expected, string what) =>
        Assert.That(ParityFixture.MaxRelativeError(actual, expected), Is.LessThanOrEqualTo(LogitTolerance), what);

    [TestCase(1)]
    [TestCase(2)]
    public void Every_call_gives_the_logits_of_a_full_prefix_bidirectional_forward_and_of_our_engines_session(int seed)
    {
        using var torchModel = TorchLlama.Create(Config, seed, torch.CPU);
        var native = LlamaModel.Create(Config, seed);
        int[] promptLengths = [6, 1, 13, 30];
        var lengths = PrefixDecodingScenario.Run([torchModel, native], seed, promptLengths, 44, (what, logits, full) =>
        {
            AssertClose(logits[0], full, $"{what}: against the full forward");
            AssertClose(logits[0], logits[1], $"{what}: against our engine's session");
        });
        Assert.That(lengths.Sum(), Is.GreaterThan(promptLengths.Sum() + 3 * promptLengths.Length), "the rows gained tokens after the prefill");
    }

    [Test]
    public void Infill_decoding_over_the_cache_gives_the_tokens_of_the_decoder_that_reruns_the_full_forward()
    {
        using var torchModel = TorchLlama.Create(Config, seed: 5, torch.CPU);
        var random = new SeededRandom(21);
        int[][] prompts = [.. new[] { 1, 4, 9, 17, 30 }.Select(n => Enumerable.Range(0, n).Select(_ => 7 + random.NextInt(Config.VocabSize - 7)).ToArray())];
        int[] budgets = [6, 3, 8, 5, 12];
        var cached = new InfillDecoder(ParityFixture.InfillTokens, ParityFixture.Special.Eos);
        var reference = new InfillDecoder(ParityFixture.InfillTokens, ParityFixture.Special.Eos, useKvCache: false);

        var fast = cached.Decode(torchModel, prompts, budgets, -1, 3);
        var slow = reference.Decode(torchModel, prompts, budgets, -1, 3);

        for (int i = 0; i < prompts.Length; i++)
            Assert.That(fast[i], Is.EqualTo(slow[i]), $"row {i} ({prompts[i].Length} prompt tokens, budget {budgets[i]})");
        Assert.That(fast.Count(r => r.Length > 1), Is.GreaterThan(2), "several rows decode more than one token");
    }

    [Test]
    public void Bad_prefill_and_append_calls_are_refused_with_our_engines_messages()
    {
        using var torchModel = TorchLlama.Create(Config, seed: 4, torch.CPU);
        var native = LlamaModel.Create(Config, seed: 4);
        Action<IPrefixDecodingSession>[] calls =
        [
            s => s.Prefill([1, 2, 3, 4], default, [0, 1, 2, 3], [1]),
            s => s.Prefill([1, 2, 3, 4], default, [0, 1, 2], [1, 1]),
            s => s.Prefill([1, 2, 3, 4], default, [0, 1, 2, 3], [1, 3]),
            s => s.Prefill([1, 2, 3, 4], default, [0, 48, 2, 3], [1, 1]),
            s => s.Prefill([1, 2, 3, 40], default, [0, 1, 2, 3], [1, 1]),
            s => s.Prefill([1, 2, 3, 40], [true, true, true, false], [0, 1, 2, 3], [1, 2]),
        ];
        string[] expected =
        [
            "1 prefix lengths for 2 rows", "3 position ids for 4 ids", "Row 1 has a prefix of 3 tokens but 2 kept tokens",
            "Position id 48 of row 0 is outside the context [0, 48)", "Token id 40 of row 1", "Row 1 has a prefix of 2 tokens but 1 kept tokens",
        ];
        for (int i = 0; i < calls.Length; i++)
        {
            using var torchSession = (IPrefixDecodingSession)torchModel.StartDecoding(2, 10);
            using var nativeSession = (IPrefixDecodingSession)native.StartDecoding(2, 10);
            var torchError = Assert.Throws<ArgumentException>(() => calls[i](torchSession))!;
            var nativeError = Assert.Throws<ArgumentException>(() => calls[i](nativeSession))!;
            Assert.That(torchError.Message, Does.Contain(expected[i]), $"call {i}");
            Assert.That(torchError.Message, Is.EqualTo(nativeError.Message), $"call {i}: the engines' messages");
        }

        using var session = (IPrefixDecodingSession)torchModel.StartDecoding(2, 10);
        session.Prefill([1, 2, 3, 4], default, [0, 1, 2, 3], [2, 1]);
        Assert.Multiple(() =>
        {
            Assert.That(() => session.Prefill([1, 2], default, [0, 1], [1, 1]), Throws.InvalidOperationException.With.Message.Contains("first call"));
            Assert.That(() => session.Append([1, 2], default, [0]), Throws.ArgumentException.With.Message.Contains("1 position ids for 2 ids"));
            Assert.That(() => session.Append([1, 2], default, [0, 48]), Throws.ArgumentException.With.Message.Contains("Position id 48 of row 1"));
        });
        Assert.That(session.Length(0), Is.EqualTo(2), "a refused call leaves the cache as it was");
    }
}
