using Reversal.Training.Attention;
using Reversal.Training.Engine.Attention;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Engine.Runtime;

namespace Reversal.Training.Objectives.Tests.Bico;

public class BicoTests
{
    private const int Ignore = -100;
    private static ObjectiveContext Context(long seed) => new(new SeededRandom(seed), SpecialTokenIds.Default, MaxSequenceLength: 64);

    private static TokenSequence[] Examples(int count, long seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int length = 10 + random.NextInt(20);
            var ids = new int[length];
            ids[0] = 2; ids[^1] = 3;
            for (int t = 1; t < length - 1; t++) ids[t] = 4 + random.NextInt(50);
            return new TokenSequence(ids);
        }).ToArray();
    }

    [Test]
    public void Targets_are_ignored_everywhere_except_the_position_before_a_masked_token()
    {
        var examples = Examples(16, 1);
        var batch = new Reversal.Training.Objectives.Bico(maskRate: 0.3).Prepare(examples, Context(2));
        int T = batch.SequenceLength, masked = 0;

        for (int b = 0; b < examples.Length; b++)
        {
            var ids = examples[b].Ids;
            for (int t = 0; t < T; t++)
            {
                int i = b * T + t;
                bool isPlaceholder = t < ids.Length && batch.InputIds[i] == SpecialTokenIds.Default.Unk && ids[t] != SpecialTokenIds.Default.Unk;
                bool nextMasked = t + 1 < ids.Length && batch.InputIds[i + 1] == SpecialTokenIds.Default.Unk;
                if (isPlaceholder) masked++;
                Assert.That(batch.Targets[i], Is.EqualTo(nextMasked ? ids[t + 1] : Ignore), $"row {b} position {t}");
                if (t < ids.Length)
                {
                    Assert.That(batch.KeyMask[i], Is.EqualTo(!isPlaceholder), "placeholders (and only they) are removed as keys");
                    Assert.That(batch.InputIds[i], Is.EqualTo(isPlaceholder ? SpecialTokenIds.Default.Unk : ids[t]));
                }
                else
                {
                    Assert.That(batch.KeyMask[i], Is.False, "padding is never a key");
                }
            }
        }
        Assert.That(masked, Is.GreaterThan(0));
        Assert.That(batch.CountedTargets, Is.EqualTo(masked));
        Assert.That(batch.Attention, Is.SameAs(AttentionMaskPolicy.Bico));
    }

    [Test]
    public void Never_masks_BOS_EOS_padding_or_the_first_position_and_masks_at_the_configured_rate()
    {
        var examples = Examples(200, 3);
        var batch = new Reversal.Training.Objectives.Bico().Prepare(examples, Context(4));
        int T = batch.SequenceLength, maskable = 0, masked = 0;
        for (int b = 0; b < examples.Length; b++)
        {
            var ids = examples[b].Ids;
            Assert.That(batch.InputIds[b * T], Is.EqualTo(2), "BOS kept");
            Assert.That(batch.InputIds[b * T + ids.Length - 1], Is.EqualTo(3), "EOS kept");
            for (int t = 1; t < ids.Length - 1; t++)
            {
                maskable++;
                if (batch.InputIds[b * T + t] == SpecialTokenIds.Default.Unk) masked++;
            }
        }
        double rate = (double)masked / maskable;
        // Binomial(n≈3,500, 0.15): sd ≈ 0.006; ±0.03 is a 5-sigma band.
        Assert.That(rate, Is.EqualTo(0.15).Within(0.03));
    }

    [Test]
    public void Uses_a_configured_placeholder_and_is_reproducible_by_seed()
    {
        var examples = Examples(8, 5);
        var a = new Reversal.Training.Objectives.Bico(placeholderId: 0).Prepare(examples, Context(9));
        var b = new Reversal.Training.Objectives.Bico(placeholderId: 0).Prepare(examples, Context(9));
        var c = new Reversal.Training.Objectives.Bico(placeholderId: 0).Prepare(examples, Context(10));
        Assert.That(b.InputIds, Is.EqualTo(a.InputIds));
        Assert.That(c.InputIds, Is.Not.EqualTo(a.InputIds));
        Assert.That(a.InputIds.Where((id, i) => !a.KeyMask[i] && i % a.SequenceLength < examples[i / a.SequenceLength].Length), Is.All.EqualTo(0));
    }

    [Test]
    public void Refuses_bad_rates_and_over_long_sequences()
    {
        Assert.That(() => new Reversal.Training.Objectives.Bico(maskRate: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Reversal.Training.Objectives.Bico(maskRate: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Reversal.Training.Objectives.Bico(placeholderId: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
        var tooLong = new TokenSequence(Enumerable.Repeat(7, 65).ToArray());
        Assert.That(() => new Reversal.Training.Objectives.Bico().Prepare([tooLong], Context(1)), Throws.TypeOf<SequenceTooLongException>());
    }
}
