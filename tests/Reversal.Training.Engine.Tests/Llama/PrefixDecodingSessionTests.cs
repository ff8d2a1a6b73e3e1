using Reversal.Training.Attention;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.TestSupport.Models;

namespace Reversal.Training.Engine.Tests.Llama;

/// <summary>
/// Decoding after a bidirectional prefix over the KV cache (<see cref="IPrefixDecodingSession"/>) gives, after every
/// call, the logits of one full forward over the row's tokens with the same position ids under
/// <c>PrefixBidirectional</c>, including the pairs that use the sine-negated rotation (a key whose position id is after
/// the query's), for ragged rows that sit out some steps.
/// </summary>
public class PrefixDecodingSessionTests
{
    private const int Vocab = 50;
    private static readonly Tolerance LogitTolerance = new(2e-4, 2e-4);

    /// <summary>V 50, D 64, 4 heads over 2 kv heads, 2 layers, context 80, wide init so logits are far from uniform.</summary>
    private static LlamaModel Model(long seed) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = Vocab, HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 80, InitializerRange = 0.3f,
    }, seed);

    [TestCase(1)]
    [TestCase(2)]
    public void Every_call_gives_the_logits_of_a_full_prefix_bidirectional_forward(int seed)
    {
        var model = Model(seed);
        int[] promptLengths = [6, 1, 13, 40];
        var lengths = PrefixDecodingScenario.Run([model], seed, promptLengths, 70,
            (what, logits, full) => Compare.Close(logits[0], full.Select(v => (double)v).ToArray(), LogitTolerance, what));
        Assert.That(lengths.Sum(), Is.GreaterThan(promptLengths.Sum() + 3 * promptLengths.Length), "the rows gained tokens after the prefill");
    }

    [Test]
    public void A_prefix_session_of_ragged_rows_gives_each_row_the_bits_of_its_own_session()
    {
        var model = Model(3);
        int[][] rowsIds = [[4, 9, 2, 7, 1], [3], [8, 8, 1, 5, 6, 2, 9, 4, 4]];
        int[] prefixes = [3, 1, 6];
        int width = rowsIds.Max(r => r.Length);
        var ids = new int[rowsIds.Length * width];
        var keep = new bool[ids.Length];
        var positions = new int[ids.Length];
        for (int b = 0; b < rowsIds.Length; b++)
            for (int i = 0; i < rowsIds[b].Length; i++)
            {
                ids[b * width + i] = rowsIds[b][i];
                keep[b * width + i] = true;
                positions[b * width + i] = i < prefixes[b] ? i : i - 1;
            }
        using var batched = (IPrefixDecodingSession)model.StartDecoding(rowsIds.Length, 20);
        float[] logits = batched.Prefill(ids, keep, positions, prefixes);
        float[] next = batched.Append([11, 12, 13], default, [10, 11, 12]);
        for (int b = 0; b < rowsIds.Length; b++)
        {
            using var alone = (IPrefixDecodingSession)model.StartDecoding(1, 20);
            Compare.Identical(logits.AsSpan(b * Vocab, Vocab), alone.Prefill(rowsIds[b], default, positions.AsSpan(b * width, rowsIds[b].Length), [prefixes[b]]), $"prefill row {b}");
            Compare.Identical(next.AsSpan(b * Vocab, Vocab), alone.Append([11 + b], default, [10 + b]), $"append row {b}");
        }
    }

    [Test]
    public void Bad_prefill_and_append_calls_are_refused_by_name()
    {
        var model = Model(4);
        using var session = (IPrefixDecodingSession)model.StartDecoding(2, 10);
        Assert.Multiple(() =>
        {
            Assert.That(() => session.Prefill([1, 2, 3, 4], default, [0, 1, 2, 3], [1]), Throws.ArgumentException.With.Message.Contains("1 prefix lengths for 2 rows"));
            Assert.That(() => session.Prefill([1, 2, 3, 4], default, [0, 1, 2], [1, 1]), Throws.ArgumentException.With.Message.Contains("3 position ids for 4 ids"));
            Assert.That(() => session.Prefill([1, 2, 3, 4], default, [0, 1, 2, 3], [1, 3]), Throws.ArgumentException.With.Message.Contains("Row 1 has a prefix of 3 tokens but 2 kept tokens"));
            Assert.That(() => session.Prefill([1, 2, 3, 4], default, [0, 80, 2, 3], [1, 1]), Throws.ArgumentException.With.Message.Contains("Position id 80 of row 0 is outside the context [0, 80)"));
            Assert.That(() => session.Prefill([1, 2, 3, 50], default, [0, 1, 2, 3], [1, 1]), Throws.ArgumentException.With.Message.Contains("Token id 50 of row 1"));
        });
        session.Prefill([1, 2, 3, 4], default, [0, 1, 2, 3], [2, 1]);
        Assert.Multiple(() =>
        {
            Assert.That(() => session.Prefill([1, 2], default, [0, 1], [1, 1]), Throws.InvalidOperationException.With.Message.Contains("first call"));
            Assert.That(() => session.Append([1, 2], default, [0]), Throws.ArgumentException.With.Message.Contains("1 position ids for 2 ids"));
        });
    }
}
