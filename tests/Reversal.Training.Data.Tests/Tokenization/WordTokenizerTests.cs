using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tokenization.PreTokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tests.Tokenization;

public class WordTokenizerTests
{
    private static readonly string[] Sentences =
    [
        "Daphne Barrington is the director of \"A Journey Through Time.\".",
        "Q: Who is Daphne Barrington? A: the director.",
        "They're here, aren't they?",
        "He paid $5 (in cash) for 50% of it!",
        "She said \"hello\" and \"goodbye\"; then left.",
        "Lists [a, b] and {c} are fine.",
        "It’s Zoë’s café.",
    ];

    [TestCaseSource(nameof(Sentences))]
    public void Decode_of_Encode_reproduces_the_sentence(string sentence)
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(Sentences);

        int[] ids = tokenizer.Encode(sentence);

        Assert.That(ids, Does.Not.Contain(tokenizer.SpecialTokens.Unk));
        Assert.That(tokenizer.Decode(ids), Is.EqualTo(sentence));
    }

    [Test]
    public void Encode_splits_words_and_punctuation()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(Sentences);

        int[] ids = tokenizer.Encode("They're here, aren't they?");

        string[] tokens = [.. ids.Select(tokenizer.IdToToken)];
        Assert.That(tokens, Is.EqualTo(new[] { "They", "'", "re", "here", ",", "aren", "'", "t", "they", "?" }));
    }

    [Test]
    public void Special_tokens_have_the_conventional_ids()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["a b"]);

        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(SpecialTokenIds.Default));
        Assert.That(tokenizer.IdToToken(0), Is.EqualTo("<pad>"));
        Assert.That(tokenizer.IdToToken(1), Is.EqualTo("<unk>"));
        Assert.That(tokenizer.IdToToken(2), Is.EqualTo("<bos>"));
        Assert.That(tokenizer.IdToToken(3), Is.EqualTo("<eos>"));
        Assert.That(tokenizer.SpecialTokenCount, Is.EqualTo(4));
    }

    [Test]
    public void Words_are_ordered_by_descending_frequency_then_ordinally()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["b a c a", "a b d", "B"]);

        // a:3, b:2, then B, c, d once each in ordinal order ("B" < "c" < "d").
        Assert.That(tokenizer.Vocabulary.Skip(4), Is.EqualTo(new[] { "a", "b", "B", "c", "d" }));
        Assert.That(tokenizer.VocabSize, Is.EqualTo(9));
    }

    [Test]
    public void Ids_are_deterministic_for_a_corpus_regardless_of_its_order()
    {
        string[] corpus = [.. Sentences, "the the cat sat on the mat", "a cat, a hat"];

        WordTokenizer first = WordTokenizer.Fit(corpus);
        WordTokenizer again = WordTokenizer.Fit(corpus);
        WordTokenizer reversed = WordTokenizer.Fit(corpus.Reverse());

        Assert.That(again.Vocabulary, Is.EqualTo(first.Vocabulary));
        Assert.That(reversed.Vocabulary, Is.EqualTo(first.Vocabulary));
        // '"' and '.' occur 6 times each (ordinal: '"' first), "the" 5 times.
        Assert.That(first.Vocabulary.Skip(4).Take(3), Is.EqualTo(new[] { "\"", ".", "the" }));
    }

    [Test]
    public void LowerCase_folds_words_when_fitting_and_encoding()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["The the THE", "Cat"], new WordTokenizerOptions { LowerCase = true });

        Assert.That(tokenizer.LowerCase, Is.True);
        Assert.That(tokenizer.Vocabulary.Skip(4), Is.EqualTo(new[] { "the", "cat" }));
        Assert.That(tokenizer.Encode("THE CaT"), Is.EqualTo(new[] { 4, 5 }));
        Assert.That(tokenizer.Decode(tokenizer.Encode("THE CaT.")), Is.EqualTo("the cat"));
        Assert.That(tokenizer.TokenToId("The"), Is.Null);
    }

    [Test]
    public void Unknown_words_encode_to_unk()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["the cat sat"]);

        int[] ids = tokenizer.Encode("the dog sat");

        Assert.That(ids, Is.EqualTo(new[] { tokenizer.TokenToId("the")!.Value, 1, tokenizer.TokenToId("sat")!.Value }));
        Assert.That(tokenizer.Decode(ids), Is.EqualTo("the sat"));
        Assert.That(tokenizer.Decode(ids, skipSpecialTokens: false), Is.EqualTo("the <unk> sat"));
    }

    [Test]
    public void MinFrequency_drops_rare_words()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["a a b c c c d"], new WordTokenizerOptions { MinFrequency = 2 });

        Assert.That(tokenizer.Vocabulary.Skip(4), Is.EqualTo(new[] { "c", "a" }));
        Assert.That(tokenizer.Encode("a b c d"), Is.EqualTo(new[] { 5, 1, 4, 1 }));
    }

    [Test]
    public void MaxVocabSize_bounds_the_total_size_and_keeps_the_most_frequent_words()
    {
        var options = new WordTokenizerOptions { MaxVocabSize = 7, AdditionalSpecialTokens = ["[MASK]"] };

        WordTokenizer tokenizer = WordTokenizer.Fit(["a a a b b c d d d d e"], options);

        Assert.That(tokenizer.VocabSize, Is.EqualTo(7));
        Assert.That(tokenizer.Vocabulary.Skip(5), Is.EqualTo(new[] { "d", "a" }));
        Assert.That(tokenizer.Encode("b d"), Is.EqualTo(new[] { 1, 5 }));
    }

    [Test]
    public void Additional_special_tokens_follow_the_built_in_ones_and_encode_literally()
    {
        var options = new WordTokenizerOptions { AdditionalSpecialTokens = ["[MASK]", "[sop]", "[eop]"] };
        WordTokenizer tokenizer = WordTokenizer.Fit(["the [MASK] sat on the mat", "[sop] mat [eop]"], options);

        Assert.That(tokenizer.AdditionalSpecialTokens, Is.EqualTo(new[] { "[MASK]", "[sop]", "[eop]" }));
        Assert.That(tokenizer.TokenToId("[MASK]"), Is.EqualTo(4));
        Assert.That(tokenizer.TokenToId("[sop]"), Is.EqualTo(5));
        Assert.That(tokenizer.TokenToId("[eop]"), Is.EqualTo(6));
        Assert.That(tokenizer.TokenToId("MASK"), Is.Null, "the special token's text is not counted as a word");
        Assert.That(tokenizer.TokenToId("sop"), Is.Null);

        int the = tokenizer.TokenToId("the")!.Value;
        int sat = tokenizer.TokenToId("sat")!.Value;
        Assert.That(tokenizer.Encode("the [MASK] sat"), Is.EqualTo(new[] { the, 4, sat }));
        Assert.That(tokenizer.Encode("the[MASK]sat[eop]"), Is.EqualTo(new[] { the, 4, sat, 6 }));
        Assert.That(tokenizer.Encode("the [mask]"), Does.Not.Contain(4), "matching is case-sensitive");
        Assert.That(tokenizer.IsSpecialToken(6), Is.True);
        Assert.That(tokenizer.IsSpecialToken(7), Is.False);
        Assert.That(tokenizer.Decode(tokenizer.Encode("[sop] the sat [eop]"), skipSpecialTokens: false),
            Is.EqualTo("[sop] the sat [eop]"));
        Assert.That(tokenizer.Decode(tokenizer.Encode("[sop] the sat [eop]")), Is.EqualTo("the sat"));
    }

    [Test]
    public void Built_in_special_tokens_written_literally_encode_to_their_ids()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["hi"]);

        Assert.That(tokenizer.Encode("<bos>hi<eos><pad>"), Is.EqualTo(new[] { 2, 4, 3, 0 }));
    }

    [Test]
    public void Encode_adds_bos_and_eos_on_request()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["hi there"]);

        Assert.That(tokenizer.Encode("hi", addBos: true, addEos: true), Is.EqualTo(new[] { 2, 4, 3 }));
        Assert.That(tokenizer.Encode("hi", addEos: true), Is.EqualTo(new[] { 4, 3 }));
        Assert.That(tokenizer.Encode("", addBos: true), Is.EqualTo(new[] { 2 }));
        Assert.That(tokenizer.Encode("  \t\n "), Is.Empty);
    }

    [Test]
    public void Decode_alternates_straight_double_quotes()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["say \" a \" and \" b \" ."]);

        string text = tokenizer.Decode(tokenizer.Encode("say \" a \" and \" b \" ."));

        Assert.That(text, Is.EqualTo("say \"a\" and \"b\"."));
    }

    [Test]
    public void Decode_rejects_ids_outside_the_vocabulary_naming_the_id_and_index()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["a b"]);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([4, 5, 42]));
        Assert.That(ex!.Message, Does.Contain("42").And.Contain("index 2"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.IdToToken(tokenizer.VocabSize));
    }

    [Test]
    public void Words_are_runs_of_letters_digits_and_marks()
    {
        string text = "Don't stop—now! 3.14 naïve e\u0301t\u00E9 😀x 東京 x_y";

        List<string> pieces = WordPreTokenizer.Split(text);

        Assert.That(pieces, Is.EqualTo(new[]
        {
            "Don", "'", "t", "stop", "—", "now", "!", "3", ".", "14", "naïve", "e\u0301t\u00E9", "😀", "x", "東京",
            "x", "_", "y",
        }));
    }

    [Test]
    public void Fit_validates_its_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WordTokenizer.Fit(["a"], new WordTokenizerOptions { MinFrequency = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => WordTokenizer.Fit(["a"], new WordTokenizerOptions { MaxVocabSize = 3 }));
        Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["a"], new WordTokenizerOptions { AdditionalSpecialTokens = ["[M]", "[M]"] }));
        Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["a"], new WordTokenizerOptions { AdditionalSpecialTokens = ["<unk>"] }));
        Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["a"], new WordTokenizerOptions { AdditionalSpecialTokens = [""] }));
        Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["a"], new WordTokenizerOptions { AdditionalSpecialTokens = [" "] }));
        Assert.Throws<ArgumentException>(() => WordTokenizer.Fit(["a", null!]));
        Assert.Throws<ArgumentNullException>(() => WordTokenizer.Fit(null!));
    }

    [Test]
    public void MaxVocabSize_equal_to_the_special_count_leaves_only_special_tokens()
    {
        WordTokenizer tokenizer = WordTokenizer.Fit(["a b"], new WordTokenizerOptions { MaxVocabSize = 4 });

        Assert.That(tokenizer.VocabSize, Is.EqualTo(4));
        Assert.That(tokenizer.Encode("a b"), Is.EqualTo(new[] { 1, 1 }));
    }
}
