using Reversal.Training.Attention;
using Reversal.Training.Engine.Autograd;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Models;
using Reversal.Training.Randomness;

namespace Reversal.Training.Engine.Tests.Llama;

/// <summary>
/// A row computes the same bits whatever else shares its batch: a decoding session of B ragged rows equals B one-row
/// sessions, and a right-padded forward equals each row run alone, for every attention policy. Batched decoding and
/// batched scoring rest on this.
/// </summary>
public class BatchInvarianceTests
{
    /// <summary>V 50, D 64, 4 heads over 2 kv heads, 2 layers, context 80, wide init so logits are far from uniform.</summary>
    private static LlamaModel Model(long seed) => LlamaModel.Create(new LlamaConfig
    {
        VocabSize = 50, HiddenSize = 64, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        MaxPositionEmbeddings = 80, InitializerRange = 0.3f,
    }, seed);

    private static int[][] Rows(int seed, params int[] lengths)
    {
        var random = new SeededRandom(seed);
        return [.. lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.NextInt(50)).ToArray())];
    }

    [Test]
    public void A_session_of_ragged_rows_gives_each_row_the_logits_of_its_own_one_row_session()
    {
        var model = Model(1);
        // Prompts of 1..41 tokens: 41 spans two query blocks of the attention kernel in the prefill.
        int[][] prompts = Rows(2, 5, 41, 1, 17, 33);
        int rows = prompts.Length, longest = prompts.Max(p => p.Length), vocab = 50;
        using var batched = model.StartDecoding(rows, 60);
        var alone = prompts.Select(_ => model.StartDecoding(1, 60)).ToArray();
        try
        {
            var ids = new int[rows * longest];
            var keep = new bool[rows * longest];
            for (int b = 0; b < rows; b++)
            {
                prompts[b].CopyTo(ids, b * longest + longest - prompts[b].Length);
                keep.AsSpan(b * longest + longest - prompts[b].Length, prompts[b].Length).Fill(true);
            }
            var logits = batched.Append(ids, keep);
            for (int b = 0; b < rows; b++)
                Compare.Identical(logits.AsSpan(b * vocab, vocab), alone[b].Append(prompts[b]), $"prefill row {b}");

            // Decoding steps of two columns each, where rows sit out some steps (keep = false) and take 0, 1 or 2 tokens.
            var random = new SeededRandom(3);
            for (int step = 0; step < 8; step++)
            {
                var stepIds = new int[rows * 2];
                var stepKeep = new bool[rows * 2];
                for (int i = 0; i < stepIds.Length; i++)
                {
                    stepIds[i] = random.NextInt(vocab);
                    stepKeep[i] = random.NextInt(3) > 0;
                }
                logits = batched.Append(stepIds, stepKeep);
                for (int b = 0; b < rows; b++)
                {
                    int[] kept = [.. Enumerable.Range(0, 2).Where(c => stepKeep[b * 2 + c]).Select(c => stepIds[b * 2 + c])];
                    if (kept.Length == 0) continue;
                    Compare.Identical(logits.AsSpan(b * vocab, vocab), alone[b].Append(kept), $"step {step}, row {b}");
                    Assert.That(batched.Length(b), Is.EqualTo(alone[b].Length(0)), $"step {step}, row {b} length");
                }
            }
        }
        finally
        {
            foreach (var session in alone) session.Dispose();
        }
    }

    [TestCase("causal")]
    [TestCase("bico")]
    [TestCase("prefix")]
    public void A_right_padded_forward_gives_each_row_the_logits_of_the_row_alone(string policyName)
    {
        var model = Model(4);
        int[][] rows = Rows(5, 9, 40, 3, 26);
        int[] prefixes = [4, 30, 1, 26];
        int width = rows.Max(r => r.Length), vocab = 50;
        AttentionMaskPolicy Policy(IReadOnlyList<int> prefix) => policyName switch
        {
            "causal" => AttentionMaskPolicy.Causal,
            "bico" => AttentionMaskPolicy.Bico,
            _ => AttentionMaskPolicy.PrefixBidirectional(prefix),
        };
        var ids = new int[rows.Length * width];
        var keyMask = new bool[rows.Length * width];
        for (int b = 0; b < rows.Length; b++)
        {
            rows[b].CopyTo(ids, b * width);
            keyMask.AsSpan(b * width, rows[b].Length).Fill(true);
        }
        using (GradMode.NoGrad())
        {
            var padded = model.Forward(new ModelInput(rows.Length, width, ids, attention: Policy(prefixes), keyMask: keyMask)).ToArray();
            for (int b = 0; b < rows.Length; b++)
            {
                int n = rows[b].Length;
                var single = model.Forward(new ModelInput(1, n, rows[b], attention: Policy([prefixes[b]]))).ToArray();
                Compare.Identical(padded.AsSpan(b * width * vocab, n * vocab), single, $"{policyName} row {b}");
            }
        }
    }
}
