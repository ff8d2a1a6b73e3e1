using System.Text;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tokenization.ByteLevel;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary><see cref="ITokenizer.EncodeWithOffsets"/>: the ids of <see cref="ITokenizer.Encode"/>, each with the
/// characters it stands for, tiling the text from its first character to its last.</summary>
public class TokenOffsetTests
{
    private static IEnumerable<string> RealTokenizers => BpeFixtures.RealTokenizers;

    [TestCaseSource(nameof(RealTokenizers))]
    public void Offsets_of_real_tokenizers_tile_the_text_and_hold_each_token(string name)
    {
        BpeTokenizer tokenizer = BpeFixtures.Real(name);
        bool byteLevel = name.StartsWith("byte-level", StringComparison.Ordinal);
        var failures = new List<string>();

        foreach (string text in BpeFixtures.Reference().Texts)
        {
            EncodedText encoded = tokenizer.EncodeWithOffsets(text);
            int[] ids = [.. encoded.Tokens.Select(t => t.Id)];
            if (!ids.SequenceEqual(tokenizer.Encode(text))) failures.Add($"{BpeFixtures.Show(text)}: ids differ from Encode");
            if (TilingProblem(encoded) is { } tiling) failures.Add($"{BpeFixtures.Show(text)}: {tiling}");
            foreach (OffsetToken token in encoded.Tokens)
            {
                string covered = encoded.Text.Substring(token.Start, token.Length);
                string stored = tokenizer.IdToToken(token.Id);
                bool holds = byteLevel
                    ? ByteLevelAlphabet.Encode(covered).Contains(stored, StringComparison.Ordinal) || (token.Length == 0 && stored == "Ġ")
                    : covered == stored || (stored.StartsWith("<0x", StringComparison.Ordinal) && covered.Length is 1 or 2);
                if (!holds) failures.Add($"{BpeFixtures.Show(text)}: token {token.Id} {BpeFixtures.Show(stored)} at [{token.Start}, {token.End}) covers {BpeFixtures.Show(covered)}");
            }
        }

        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(20)));
    }

    [Test]
    public void SentencePiece_offsets_refer_to_the_normalized_text()
    {
        BpeTokenizer tokenizer = BpeFixtures.Real("sentencepiece-bpe-32k");

        EncodedText encoded = tokenizer.EncodeWithOffsets("Hello world");

        Assert.That(encoded.Text, Is.EqualTo("▁Hello▁world"));
        Assert.That(encoded.Tokens.Select(t => encoded.Text[t.Start..t.End]), Is.EqualTo(new[] { "▁Hello", "▁world" }));
        Assert.That(tokenizer.EncodeWithOffsets("Hello world", normalize: false).Text, Is.EqualTo("Hello world"));
    }

    [Test]
    public void Byte_level_tokens_that_split_a_character_each_cover_it()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath);

        EncodedText encoded = tokenizer.EncodeWithOffsets("a 😀");

        Assert.That(encoded.Text, Is.EqualTo("a 😀"), "no normalizer: offsets refer to the input");
        Assert.That(encoded.Tokens.Select(t => t.Id), Is.EqualTo(tokenizer.Encode("a 😀")));
        var emoji = encoded.Tokens.Where(t => t.End == 4 && t.Start >= 1).ToList();
        Assert.That(emoji.Count, Is.GreaterThan(1), "the emoji's four bytes take more than one token");
        Assert.That(emoji.Last().Start, Is.EqualTo(2), "the last byte token covers the whole surrogate pair");
    }

    [Test]
    public void Word_tokenizer_offsets_cover_words_and_special_tokens_in_the_lower_cased_text()
    {
        var tokenizer = WordTokenizer.Fit(["the cat sat."], new WordTokenizerOptions { LowerCase = true, AdditionalSpecialTokens = ["[MASK]"] });

        EncodedText encoded = tokenizer.EncodeWithOffsets("The  [MASK] sat!");

        Assert.That(encoded.Text, Is.EqualTo("the  [MASK] sat!"));
        Assert.That(encoded.Tokens.Select(t => t.Id), Is.EqualTo(tokenizer.Encode("The  [MASK] sat!")));
        Assert.That(encoded.Tokens.Select(t => (encoded.Text[t.Start..t.End], t.Id == tokenizer.SpecialTokens.Unk)),
            Is.EqualTo(new[] { ("the", false), ("[MASK]", false), ("sat", false), ("!", true) }));
        Assert.That(tokenizer.EncodeWithOffsets("The cat").Tokens[0].Start, Is.Zero);
        Assert.That(tokenizer.EncodeWithOffsets("The cat", normalize: false).Text, Is.EqualTo("The cat"));
    }

    [Test]
    public void Added_tokens_and_empty_text_have_offsets_too()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath);

        EncodedText encoded = tokenizer.EncodeWithOffsets("<bos>hi<eos>");

        Assert.That(encoded.Tokens.First(), Is.EqualTo(new OffsetToken(2, 0, 5)));
        Assert.That(encoded.Tokens.Last(), Is.EqualTo(new OffsetToken(3, 7, 5)));
        Assert.That(tokenizer.EncodeWithOffsets("").Tokens, Is.Empty);
        Assert.Throws<ArgumentNullException>(() => tokenizer.EncodeWithOffsets(null!));
    }

    /// <summary>Why the tokens do not tile the text (start at 0, end at its end, each starting within or right after
    /// the previous one and not ending before it), or null.</summary>
    private static string? TilingProblem(EncodedText encoded)
    {
        IReadOnlyList<OffsetToken> tokens = encoded.Tokens;
        if (tokens.Count == 0) return encoded.Text.Length == 0 ? null : "no tokens for a non-empty text";
        if (tokens[0].Start != 0) return $"the first token starts at {tokens[0].Start}";
        for (int i = 1; i < tokens.Count; i++)
        {
            OffsetToken before = tokens[i - 1], token = tokens[i];
            if (token.Start < before.Start || token.Start > before.End || token.End < before.End)
                return $"token {i} at [{token.Start}, {token.End}) after [{before.Start}, {before.End})";
        }
        int end = tokens.Max(t => t.End);
        return end == encoded.Text.Length ? null : $"the tokens end at {end} of {encoded.Text.Length}";
    }
}
