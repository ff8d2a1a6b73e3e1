using Reversal.Training.Attention;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
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

    /// <summary>One row as the full forward sees it: its kept tokens and their position ids.</summary>
    private sealed class RowState(int prefix)
    {
        public int Prefix { get; } = prefix;
        public List<int> Ids { get; } = [];
        public List<int> Positions { get; } = [];
    }

    private static float[] FullForwardLastLogits(ICausalLanguageModel model, RowState row) =>
        model.Logits(new ModelInput(1, row.Ids.Count, [.. row.Ids], [.. row.Positions], AttentionMaskPolicy.PrefixBidirectional([row.Prefix])), [row.Ids.Count - 1]);

    private static void AssertClose(ReadOnlySpan<float> actual, float[] expected, string what)
    {
        double error = ParityFixture.MaxRelativeError(actual.ToArray(), expected);
        Assert.That(error, Is.LessThanOrEqualTo(LogitTolerance), what);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Every_call_gives_the_logits_of_a_full_prefix_bidirectional_forward_and_of_our_engines_session(int seed)
    {
        using var torchModel = TorchLlama.Create(Config, seed, torch.CPU);
        var native = LlamaModel.Create(Config, seed);
        int vocab = Config.VocabSize;
        var random = new SeededRandom(seed + 10);
        // Rows as infill decoding builds them: a prompt, then Part A's mask and EOS, then [sop] at the mask's position,
        // so [sop] sees EOS one position ahead of it (mirrored).
        int[] promptLengths = [6, 1, 13, 30];
        int rows = promptLengths.Length;
        var states = promptLengths.Select(n => new RowState(n + 2)).ToArray();
        int width = promptLengths.Max() + 3;
        var ids = new int[rows * width];
        var keep = new bool[ids.Length];
        var positions = new int[ids.Length];
        for (int b = 0; b < rows; b++)
        {
            int length = promptLengths[b] + 3, mask = promptLengths[b];
            for (int i = 0; i < length; i++)
            {
                int id = random.NextInt(vocab), position = i < length - 1 ? i : mask;
                ids[b * width + i] = id;
                keep[b * width + i] = true;
                positions[b * width + i] = position;
                states[b].Ids.Add(id);
                states[b].Positions.Add(position);
            }
        }
        using var session = (IPrefixDecodingSession)torchModel.StartDecoding(rows, 44);
        using var nativeSession = (IPrefixDecodingSession)native.StartDecoding(rows, 44);
        var prefixes = states.Select(s => s.Prefix).ToArray();
        float[] logits = session.Prefill(ids, keep, positions, prefixes);
        float[] nativeLogits = nativeSession.Prefill(ids, keep, positions, prefixes);
        for (int b = 0; b < rows; b++)
        {
            AssertClose(logits.AsSpan(b * vocab, vocab), FullForwardLastLogits(torchModel, states[b]), $"prefill row {b}, full forward");
            AssertClose(logits.AsSpan(b * vocab, vocab), nativeLogits[(b * vocab)..((b + 1) * vocab)], $"prefill row {b}, our engine");
        }

        // Steps of one column; rows sit out some steps; step 3 places row 0's token at position 1, behind most of its
        // cached keys, so the part after the prefix scores those keys with the mirrored rotation too.
        for (int step = 0; step < 7; step++)
        {
            var stepIds = new int[rows];
            var stepKeep = new bool[rows];
            var stepPositions = new int[rows];
            for (int b = 0; b < rows; b++)
            {
                stepKeep[b] = random.NextInt(4) > 0 || step == 3;
                if (!stepKeep[b]) continue;
                stepIds[b] = random.NextInt(vocab);
                stepPositions[b] = step == 3 && b == 0 ? 1 : states[b].Positions[^1] + 1;
                states[b].Ids.Add(stepIds[b]);
                states[b].Positions.Add(stepPositions[b]);
            }
            logits = session.Append(stepIds, stepKeep, stepPositions);
            nativeLogits = nativeSession.Append(stepIds, stepKeep, stepPositions);
            for (int b = 0; b < rows; b++)
            {
                AssertClose(logits.AsSpan(b * vocab, vocab), FullForwardLastLogits(torchModel, states[b]), $"step {step}, row {b}, full forward");
                AssertClose(logits.AsSpan(b * vocab, vocab), nativeLogits[(b * vocab)..((b + 1) * vocab)], $"step {step}, row {b}, our engine");
            }
        }
        Assert.That(Enumerable.Range(0, rows).Select(session.Length), Is.EqualTo(states.Select(s => s.Ids.Count)));
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
