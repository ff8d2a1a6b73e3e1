using System.Diagnostics;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>
/// Exact agreement with the reference JavaScript implementation (<c>@huggingface/tokenizers</c>), whose ids and
/// decodings <c>Fixtures/make_reference_ids.mjs</c> recorded in <c>Fixtures/reference_ids.json</c>.
/// </summary>
public class BpeReferenceTests
{
    private static IEnumerable<string> RealTokenizers => BpeFixtures.RealTokenizers;

    [Test]
    public void Reference_fixture_covers_a_few_hundred_texts_and_stays_small()
    {
        var reference = BpeFixtures.Reference();

        Assert.That(reference.Texts, Has.Length.GreaterThanOrEqualTo(300));
        Assert.That(reference.Texts, Does.Contain(""));
        Assert.That(reference.Tokenizers.Keys, Is.EquivalentTo(BpeFixtures.RealTokenizers));
        Assert.That(reference.Tokenizers.Values.Select(cases => cases.Length), Is.All.EqualTo(reference.Texts.Length));
        Assert.That(reference.Trained, Has.Length.EqualTo(reference.TrainedTexts.Length));
        Assert.That(new FileInfo(Path.Combine(BpeFixtures.Root(), "reference_ids.json")).Length, Is.LessThan(500_000));
    }

    [TestCaseSource(nameof(RealTokenizers))]
    public void Encode_gives_the_reference_ids_for_every_text(string name)
    {
        BpeTokenizer tokenizer = BpeFixtures.Real(name);
        var reference = BpeFixtures.Reference();
        var cases = reference.Tokenizers[name];

        var failures = new List<string>();
        for (int i = 0; i < reference.Texts.Length; i++)
        {
            int[] ids = tokenizer.Encode(reference.Texts[i]);
            if (!ids.SequenceEqual(cases[i].Ids))
                failures.Add($"#{i} {BpeFixtures.Show(reference.Texts[i])}: expected [{string.Join(",", cases[i].Ids)}] but was [{string.Join(",", ids)}]");
        }

        Assert.That(failures, Is.Empty, () => $"{failures.Count} of {reference.Texts.Length} texts differ:\n" + string.Join("\n", failures.Take(20)));
    }

    [TestCaseSource(nameof(RealTokenizers))]
    public void Decode_gives_the_reference_text_for_every_text(string name)
    {
        BpeTokenizer tokenizer = BpeFixtures.Real(name);
        var reference = BpeFixtures.Reference();
        var cases = reference.Tokenizers[name];

        var failures = new List<string>();
        for (int i = 0; i < reference.Texts.Length; i++)
        {
            string kept = tokenizer.Decode(cases[i].Ids, skipSpecialTokens: false);
            string skipped = tokenizer.Decode(cases[i].Ids, skipSpecialTokens: true);
            if (kept != cases[i].Decoded)
                failures.Add($"#{i} kept: expected {BpeFixtures.Show(cases[i].Decoded)} but was {BpeFixtures.Show(kept)}");
            if (skipped != cases[i].DecodedSkipSpecial)
                failures.Add($"#{i} skipped: expected {BpeFixtures.Show(cases[i].DecodedSkipSpecial)} but was {BpeFixtures.Show(skipped)}");
        }

        Assert.That(failures, Is.Empty, () => $"{failures.Count} decodings differ:\n" + string.Join("\n", failures.Take(20)));
    }

    [Test]
    public void Reference_implementation_reads_our_trained_tokenizer_json_and_agrees_with_us()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath);
        var reference = BpeFixtures.Reference();

        for (int i = 0; i < reference.TrainedTexts.Length; i++)
        {
            string text = reference.TrainedTexts[i];
            var expected = reference.Trained[i];
            Assert.That(tokenizer.Encode(text), Is.EqualTo(expected.Ids), $"ids of #{i} {BpeFixtures.Show(text)}");
            Assert.That(tokenizer.Decode(expected.Ids, skipSpecialTokens: false), Is.EqualTo(expected.Decoded), $"decoding of #{i}");
            Assert.That(tokenizer.Decode(expected.Ids), Is.EqualTo(expected.DecodedSkipSpecial), $"decoding without specials of #{i}");
        }
        Assert.That(reference.Trained.Sum(c => c.Ids.Length), Is.GreaterThan(reference.TrainedTexts.Sum(t => t.Length) / 4),
            "the fixture is not trivially empty");
    }

    [TestCaseSource(nameof(RealTokenizers))]
    public void Encode_is_thread_safe(string name)
    {
        BpeTokenizer fresh = BpeTokenizer.Load(Path.Combine(BpeFixtures.RealFolder(name), "tokenizer.json"));
        var reference = BpeFixtures.Reference();
        var cases = reference.Tokenizers[name];
        int mismatches = 0;

        Parallel.For(0, reference.Texts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int index = i % reference.Texts.Length;
            if (!fresh.Encode(reference.Texts[index]).SequenceEqual(cases[index].Ids)) Interlocked.Increment(ref mismatches);
        });

        Assert.That(mismatches, Is.Zero);
    }

    [Test]
    public void Loading_the_151k_file_takes_well_under_a_few_seconds()
    {
        string path = Path.Combine(BpeFixtures.RealFolder("byte-level-bpe-151k"), "tokenizer.json");

        var watch = Stopwatch.StartNew();
        BpeTokenizer tokenizer = BpeTokenizer.Load(path);
        watch.Stop();

        TestContext.Out.WriteLine($"Loaded {tokenizer.VocabSize} tokens, {tokenizer.Model.Merges.Count} merges in {watch.ElapsedMilliseconds} ms.");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(151669));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "typically 0.3-0.9 s; generous for loaded CI machines");
    }
}
