using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Objectives.Tests.BlankInfilling;

public class BlankInfillingTests
{
    private const int Ignore = -100, Mask = 4, Sop = 5, Eop = 6;
    private static readonly BlankInfillingTokens Tokens = new(Mask, Sop, Eop);

    private static TokenSequence Example(int length, SeededRandom random)
    {
        var ids = new int[length];
        ids[0] = 2; ids[^1] = 3;
        for (int t = 1; t < length - 1; t++) ids[t] = 10 + random.NextInt(90);
        return new TokenSequence(ids);
    }

    [Test]
    public void Part_A_and_Part_B_satisfy_the_GLM_invariants([Values(5, 12, 30, 61, 120)] int length)
    {
        var random = new SeededRandom(length);
        for (int trial = 0; trial < 40; trial++)
        {
            var ids = Example(length, random).Ids;
            var layout = BlankInfillingLayout.Build(ids, Tokens, SpecialTokenIds.Default.IsStructural, 0.15, 3.0, 40, random);
            var spans = layout.Spans;
            int maskable = length - 2, masked = spans.Sum(s => s.Length);

            Assert.That(spans, Is.Not.Empty);
            Assert.That(layout.PrefixLength, Is.EqualTo(length - masked + spans.Count), "Part A length = T − masked + spans");
            Assert.That(masked, Is.GreaterThanOrEqualTo(Math.Max(1, (int)Math.Round(0.15 * maskable))), "at least 15% covered");
            for (int s = 0; s < spans.Count; s++)
            {
                Assert.That(spans[s].Length, Is.InRange(1, 40));
                Assert.That(spans[s].Start, Is.GreaterThanOrEqualTo(1), "BOS never masked");
                Assert.That(spans[s].Start + spans[s].Length, Is.LessThanOrEqualTo(length - 1), "EOS never masked");
                if (s > 0) Assert.That(spans[s].Start, Is.GreaterThan(spans[s - 1].Start + spans[s - 1].Length), "no overlap, at least one token between spans");
            }
            // Part A: the text with one [MASK] per span.
            Assert.That(layout.Inputs.Take(layout.PrefixLength).Count(id => id == Mask), Is.EqualTo(spans.Count));
            // Loss only on Part B.
            Assert.That(layout.Targets.Take(layout.PrefixLength), Is.All.EqualTo(Ignore));
            Assert.That(layout.Targets.Skip(layout.PrefixLength), Has.None.EqualTo(Ignore));
            // Every masked token appears exactly once among Part B targets (as a multiset), plus one [eop] per span.
            var expected = spans.SelectMany(s => ids.Skip(s.Start).Take(s.Length)).Order().ToList();
            var partBTargets = layout.Targets.Skip(layout.PrefixLength).Where(t => t != Eop).Order().ToList();
            Assert.That(partBTargets, Is.EqualTo(expected));
            Assert.That(layout.Targets.Count(t => t == Eop), Is.EqualTo(spans.Count));
            Assert.That(layout.Inputs.Skip(layout.PrefixLength).Count(t => t == Sop), Is.EqualTo(spans.Count));
        }
    }

    [Test]
    public void Part_B_positions_continue_from_each_span_s_mask_and_inputs_are_the_targets_shifted()
    {
        var random = new SeededRandom(7);
        var ids = Example(40, random).Ids;
        var layout = BlankInfillingLayout.Build(ids, Tokens, SpecialTokenIds.Default.IsStructural, 0.15, 3.0, 40, random);
        for (int i = 0; i < layout.PrefixLength; i++) Assert.That(layout.Positions[i], Is.EqualTo(i));
        for (int i = layout.PrefixLength; i < layout.Length; i++)
        {
            if (layout.Inputs[i] == Sop)
            {
                Assert.That(layout.Inputs[layout.Positions[i]], Is.EqualTo(Mask), "[sop] sits at its span's [MASK] position");
                continue;
            }
            Assert.That(layout.Positions[i], Is.EqualTo(layout.Positions[i - 1] + 1), "intra-span order in the rotary position");
            Assert.That(layout.Inputs[i], Is.EqualTo(layout.Targets[i - 1]), "teacher forcing: input = previous target");
        }
    }

    [Test]
    public void Batches_use_prefix_bidirectional_attention_where_no_Part_A_query_sees_Part_B()
    {
        var random = new SeededRandom(11);
        var examples = new[] { Example(20, random), Example(33, random), Example(9, random) };
        var batch = new Reversal.Training.Objectives.BlankInfilling(Tokens).Prepare(examples, new ObjectiveContext(random, SpecialTokenIds.Default, 64));
        var policy = batch.Attention;
        int T = batch.SequenceLength;

        Assert.That(policy.Kind, Is.EqualTo(AttentionKind.PrefixBidirectional));
        for (int b = 0; b < examples.Length; b++)
        {
            int prefix = policy.PrefixLengths[b];
            for (int q = 0; q < T; q++)
                for (int k = 0; k < T; k++)
                {
                    bool visible = policy.IsVisible(b, q, k, T);
                    if (q < prefix) Assert.That(visible, Is.EqualTo(k < prefix), $"Part A query {q} / key {k}");
                    else Assert.That(visible, Is.EqualTo(k <= q), $"Part B query {q} / key {k}");
                }
            for (int t = 0; t < T; t++)
                Assert.That(batch.KeyMask[b * T + t], Is.EqualTo(batch.InputIds[b * T + t] != SpecialTokenIds.Default.Pad), "only padding is hidden");
        }
    }

    [Test]
    public void Tokens_resolve_from_a_vocabulary_and_missing_ones_are_named()
    {
        var vocab = new Dictionary<string, int> { ["[MASK]"] = 7, ["[sop]"] = 8, ["[eop]"] = 9 };
        Assert.That(BlankInfillingTokens.From(t => vocab.TryGetValue(t, out var id) ? id : null), Is.EqualTo(new BlankInfillingTokens(7, 8, 9)));
        vocab.Remove("[sop]");
        Assert.That(() => BlankInfillingTokens.From(t => vocab.TryGetValue(t, out var id) ? id : null), Throws.ArgumentException.With.Message.Contains("'[sop]'"));
    }

    [Test]
    public void Infill_decoding_is_deterministic_and_bounded()
    {
        var model = LlamaModel.Create(new LlamaConfig { VocabSize = 100, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, MaxPositionEmbeddings = 32 }, 3);
        var decoder = new InfillDecoder(Tokens, endOfSequenceId: 3);
        var first = decoder.Decode(model, [2, 20, 21, 22], maxNewTokens: 6, stopId: 3);
        var second = decoder.Decode(model, [2, 20, 21, 22], maxNewTokens: 6, stopId: 3);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first.Length, Is.LessThanOrEqualTo(6));
        Assert.That(first, Has.None.EqualTo(Eop));
        Assert.That(decoder.Name, Is.EqualTo("greedy_infill"));
    }
}
