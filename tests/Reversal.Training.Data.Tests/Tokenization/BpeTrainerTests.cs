using Reversal.Training.Data.Tokenization;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tests.Tokenization;

public class BpeTrainerTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    /// <summary>Rewrites Fixtures/trained_tokenizer.json; run it by hand (then rerun make_reference_ids.mjs) when the
    /// trainer or the corpus changes on purpose.</summary>
    [Test]
    [Explicit("Regenerates a committed fixture")]
    public void Regenerate_trained_fixture()
    {
        BpeTokenizer tokenizer = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);
        tokenizer.Save(BpeFixtures.TrainedTokenizerPath);
        TestContext.Out.WriteLine($"wrote {BpeFixtures.TrainedTokenizerPath} ({tokenizer.VocabSize} tokens)");
    }

    [Test]
    public void Training_reproduces_the_committed_fixture_byte_for_byte()
    {
        string path = _temp.File("tokenizer.json");

        BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions).Save(path);

        Assert.That(File.ReadAllText(path), Is.EqualTo(File.ReadAllText(BpeFixtures.TrainedTokenizerPath)));
    }

    [Test]
    public void Training_does_not_depend_on_the_corpus_order()
    {
        BpeTokenizer forward = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);
        BpeTokenizer backward = BpeTrainer.Train(BpeFixtures.TrainingCorpus.Reverse(), BpeFixtures.TrainingOptions);

        Assert.That(Enumerable.Range(0, backward.VocabSize).Select(backward.IdToToken),
            Is.EqualTo(Enumerable.Range(0, forward.VocabSize).Select(forward.IdToToken)));
        Assert.That(backward.Model.Merges, Is.EqualTo(forward.Model.Merges));
    }

    [Test]
    public void Vocabulary_is_special_tokens_then_the_256_bytes_then_merges()
    {
        BpeTokenizer tokenizer = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);

        Assert.That(tokenizer.VocabSize, Is.EqualTo(500));
        Assert.That(Enumerable.Range(0, 4).Select(tokenizer.IdToToken), Is.EqualTo(new[] { "<pad>", "<unk>", "<bos>", "<eos>" }));
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(SpecialTokenIds.Default));
        Assert.That(tokenizer.IdToToken(4), Is.EqualTo("Ā"), "byte 0");
        Assert.That(tokenizer.IdToToken(4 + ' '), Is.EqualTo("Ġ"), "byte 0x20");
        Assert.That(tokenizer.IdToToken(4 + 'a'), Is.EqualTo("a"));
        Assert.That(tokenizer.IdToToken(4 + 255), Is.EqualTo("ÿ"));
        (int left, int right) = tokenizer.Model.Merges[0];
        Assert.That(tokenizer.IdToToken(260), Is.EqualTo(tokenizer.IdToToken(left) + tokenizer.IdToToken(right)));
        Assert.That(tokenizer.AddedTokens.Select(t => (t.Id, t.Content, t.Special, t.Normalized)),
            Is.EqualTo(new[] { (0, "<pad>", true, false), (1, "<unk>", true, false), (2, "<bos>", true, false), (3, "<eos>", true, false) }));
    }

    [Test]
    public void The_most_frequent_pair_is_merged_first()
    {
        // Pieces "cd", "Ġab", "Ġcd", "Ġcd": (c,d) occurs 3 times, (Ġ,c) twice, (a,b) and (Ġ,a) once.
        BpeTokenizer tokenizer = BpeTrainer.Train(["cd ab cd cd"], new BpeTrainerOptions { VocabSize = 4 + 256 + 1, MinFrequency = 1 });

        Assert.That(tokenizer.IdToToken(260), Is.EqualTo("cd"));
    }

    [Test]
    public void Ties_go_to_the_lexically_smaller_pair_whatever_the_corpus_order()
    {
        var options = new BpeTrainerOptions { VocabSize = 4 + 256 + 1, MinFrequency = 1, SpecialTokens = ["<pad>", "<unk>", "<bos>", "<eos>"] };

        BpeTokenizer first = BpeTrainer.Train(["yz", "ab"], options);
        BpeTokenizer second = BpeTrainer.Train(["ab", "yz"], options);

        Assert.That(first.IdToToken(260), Is.EqualTo("ab"));
        Assert.That(second.IdToToken(260), Is.EqualTo("ab"));
    }

    [Test]
    public void Training_stops_when_no_pair_reaches_the_minimum_frequency()
    {
        BpeTokenizer tokenizer = BpeTrainer.Train(["abc abc xyz"], new BpeTrainerOptions { VocabSize = 1000, MinFrequency = 2 });

        // "abc" twice: (a,b) and (b,c) reach 2; after merging "ab" then "abc" nothing else does.
        Assert.That(Enumerable.Range(260, tokenizer.VocabSize - 260).Select(tokenizer.IdToToken), Is.EqualTo(new[] { "ab", "abc" }));
    }

    [Test]
    public void Special_tokens_in_the_corpus_are_not_merged_and_encode_to_their_ids()
    {
        BpeTokenizer tokenizer = BpeTrainer.Train(["<eos><eos><eos> hello <eos>"], new BpeTrainerOptions { VocabSize = 300, MinFrequency = 1 });

        Assert.That(Enumerable.Range(260, tokenizer.VocabSize - 260).Select(tokenizer.IdToToken), Has.None.Contains("<"));
        int[] ids = tokenizer.Encode("<bos>hello<eos>");
        Assert.That(ids[0], Is.EqualTo(2));
        Assert.That(ids[^1], Is.EqualTo(3));
        Assert.That(tokenizer.Decode(ids, skipSpecialTokens: false), Is.EqualTo("<bos>hello<eos>"));
        Assert.That(tokenizer.Decode(ids), Is.EqualTo("hello"));
    }

    [Test]
    public void Trained_tokenizer_encodes_unseen_text_losslessly()
    {
        BpeTokenizer tokenizer = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);
        const string text = "Unseen: ξένο κείμενο, 𝐀𝐁𝐂, \u0000 and 🦀!";

        Assert.That(tokenizer.Decode(tokenizer.Encode(text)), Is.EqualTo(text));
    }

    [Test]
    public void Saved_trained_tokenizer_loads_with_identical_encodings()
    {
        BpeTokenizer trained = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);
        string path = _temp.File("tokenizer.json");

        trained.Save(path);
        BpeTokenizer loaded = BpeTokenizer.Load(path);

        Assert.That(loaded.VocabSize, Is.EqualTo(trained.VocabSize));
        Assert.That(loaded.SpecialTokens, Is.EqualTo(trained.SpecialTokens));
        foreach (string text in BpeFixtures.TrainingCorpus.Append("<bos>new text, never seen<eos>"))
            Assert.That(loaded.Encode(text, addBos: true, addEos: true), Is.EqualTo(trained.Encode(text, addBos: true, addEos: true)));
    }

    [Test]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => BpeTrainer.Train(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Train(["a"], new BpeTrainerOptions { VocabSize = 259 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Train(["a"], new BpeTrainerOptions { MinFrequency = 0 }));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a"], new BpeTrainerOptions { SpecialTokens = ["<a>", "<a>"] }));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a"], new BpeTrainerOptions { SpecialTokens = [""] }));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a"], new BpeTrainerOptions { SpecialTokens = ["!"] }));
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(["a", null!]));
    }

    [Test]
    public void Trained_tokenizer_is_an_ITokenizer_with_consistent_lookups()
    {
        ITokenizer tokenizer = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);

        for (int id = 0; id < tokenizer.VocabSize; id++)
            Assert.That(tokenizer.TokenToId(tokenizer.IdToToken(id)), Is.EqualTo(id));
        Assert.That(tokenizer.TokenToId("not a token"), Is.Null);
    }
}
