using Reversal.Training.Attention;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives.Tests.MlmU;

public class MlmUTests
{
    private const int Ignore = ObjectiveBatch.IgnoreIndex;
    private const int Placeholder = 1;
    private static readonly SpecialTokenIds Special = SpecialTokenIds.Default;

    private static ObjectiveContext Context(long seed, int max = 256) => new(new SeededRandom(seed), Special, max);

    /// <summary>Rows [BOS] w.. [EOS] of random lengths (words 4..53), some with padding-id and EOS tokens inside to check they are never masked.</summary>
    private static TokenSequence[] Examples(int count, long seed, int minWords = 1, int maxWords = 30)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int words = minWords + random.NextInt(maxWords - minWords + 1);
            var ids = new int[words + 2];
            ids[0] = Special.Bos; ids[^1] = Special.Eos;
            for (int t = 1; t <= words; t++) ids[t] = random.NextInt(10) == 0 ? Special.Eos : 4 + random.NextInt(50);
            return new TokenSequence(ids);
        }).ToArray();
    }

    [Test]
    public void Targets_are_the_masked_tokens_one_position_early_and_placeholders_are_not_keys()
    {
        var examples = Examples(64, 1);
        var batch = new Reversal.Training.Objectives.MlmU().Prepare(examples, Context(2));
        int T = batch.SequenceLength, masked = 0;

        Assert.That(batch.Attention, Is.SameAs(AttentionMaskPolicy.Bico), "bidirectional attention with the mirrored-RoPE rule");
        Assert.That(T, Is.EqualTo(examples.Max(e => e.Length)), "the whole sequence is the input");
        for (int b = 0; b < examples.Length; b++)
        {
            var ids = examples[b].Ids;
            for (int t = 0; t < T; t++)
            {
                int i = b * T + t;
                bool real = t < ids.Length;
                bool isMasked = real && batch.InputIds[i] == Placeholder;
                bool nextMasked = t + 1 < ids.Length && batch.InputIds[i + 1] == Placeholder;
                if (isMasked)
                {
                    masked++;
                    Assert.That(t, Is.GreaterThan(0), "position 0 is never masked");
                    Assert.That(Special.IsStructural(ids[t]), Is.False, $"row {b} position {t}: BOS, EOS and padding are never masked");
                }
                Assert.That(batch.Targets[i], Is.EqualTo(nextMasked ? ids[t + 1] : Ignore), $"row {b} position {t}: a target only before a masked token, and it is the original");
                Assert.That(batch.KeyMask[i], Is.EqualTo(real && !isMasked), $"row {b} position {t}: placeholders and padding are not keys");
                if (real && !isMasked) Assert.That(batch.InputIds[i], Is.EqualTo(ids[t]));
                if (!real) Assert.That(batch.InputIds[i], Is.EqualTo(Special.Pad));
            }
        }
        Assert.That(masked, Is.GreaterThan(0));
        Assert.That(batch.CountedTargets, Is.EqualTo(masked), "exactly one target per masked token");
        Assert.That(batch.ObjectiveName, Is.EqualTo("mlm-u"));
    }

    [Test]
    public void The_mask_rate_of_a_row_is_uniform_on_zero_to_one()
    {
        // 2,000 rows of 400 maskable words: a row's masked fraction is its rate plus binomial noise (sd ≤ 0.025).
        const int rows = 2000, words = 400;
        var examples = Examples(rows, 3, minWords: words, maxWords: words);
        var batch = new Reversal.Training.Objectives.MlmU().Prepare(examples, Context(4, max: words + 2));
        int T = batch.SequenceLength;
        var fractions = Enumerable.Range(0, rows).Select(b =>
        {
            int maskable = examples[b].Ids.Skip(1).Count(id => !Special.IsStructural(id));
            int masked = Enumerable.Range(b * T, T).Count(i => batch.InputIds[i] == Placeholder);
            return (double)masked / maskable;
        }).Order().ToArray();

        // Kolmogorov-Smirnov distance to U[0, 1]: 1.36 / sqrt(2000) = 0.030 is the 5% critical value for exact draws;
        // the binomial noise adds up to about 0.01 more.
        double ks = fractions.Select((f, i) => Math.Max(Math.Abs((i + 1.0) / rows - f), Math.Abs((double)i / rows - f))).Max();
        Assert.That(ks, Is.LessThan(0.045), "KS distance of the per-row mask fractions to U[0,1]");
        Assert.That(fractions.Count(f => f < 0.1), Is.InRange(140, 260), "the lowest decile holds about 200 rows");
        Assert.That(fractions.Count(f => f > 0.9), Is.InRange(140, 260), "the highest decile holds about 200 rows");
    }

    [Test]
    public void Is_reproducible_and_honours_a_placeholder_id()
    {
        var examples = Examples(8, 5);
        var first = new Reversal.Training.Objectives.MlmU(placeholderId: 4).Prepare(examples, Context(6));
        var again = new Reversal.Training.Objectives.MlmU(placeholderId: 4).Prepare(examples, Context(6));
        Assert.That(again.InputIds, Is.EqualTo(first.InputIds));
        Assert.That(again.Targets, Is.EqualTo(first.Targets));
        Assert.That(first.InputIds.Where((id, i) => !first.KeyMask[i] && id != Special.Pad), Is.All.EqualTo(4));
        Assert.That(() => new Reversal.Training.Objectives.MlmU(placeholderId: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Refuses_examples_that_do_not_fit()
    {
        var objective = new Reversal.Training.Objectives.MlmU();
        Assert.Multiple(() =>
        {
            Assert.That(() => objective.Prepare([], Context(1)), Throws.ArgumentException);
            Assert.That(() => objective.Prepare([new TokenSequence([2])], Context(1)), Throws.ArgumentException.With.Message.Contains("Example 0"));
            Assert.That(() => objective.Prepare([new TokenSequence(new int[300])], Context(1)), Throws.InstanceOf<SequenceTooLongException>());
        });
    }
}
