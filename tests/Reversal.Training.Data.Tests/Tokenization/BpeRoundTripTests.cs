using System.Text;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>
/// Property: for random valid strings <c>s</c> (seeded; ASCII, white space runs, CJK, emoji with skin tones and
/// ZWJ, accented letters precomposed and decomposed, Cyrillic, Hangul, astral letters) that contain no added-token
/// text, <c>Decode(Encode(s))</c> equals what the tokenizer's normalizer keeps of <c>s</c>:
/// <list type="bullet">
/// <item>byte-level (Qwen, NFC normalizer): <c>s.Normalize(NFC)</c>;</item>
/// <item>SentencePiece (Llama: Prepend <c>▁</c>, Replace space→<c>▁</c>; decoder: <c>▁</c>→space, byte fallback,
/// strip one leading space): <c>s</c> with every <c>▁</c> turned into a space, i.e. the normalized text
/// <c>"▁" + s.Replace(" ", "▁")</c> with <c>▁</c> read as a space and the one prepended space stripped;</item>
/// <item>trained byte-level (no normalizer): <c>s</c> itself.</item>
/// </list>
/// </summary>
public class BpeRoundTripTests
{
    private const int Cases = 300;

    [Test]
    public void Byte_level_151k_round_trips_to_the_NFC_form()
    {
        BpeTokenizer tokenizer = BpeFixtures.Real("byte-level-bpe-151k");
        CheckAll(tokenizer, seed: 151, s => s.Normalize(NormalizationForm.FormC));
    }

    [Test]
    public void SentencePiece_32k_round_trips_with_the_space_marker_read_as_a_space()
    {
        BpeTokenizer tokenizer = BpeFixtures.Real("sentencepiece-bpe-32k");
        CheckAll(tokenizer, seed: 32, s => s.Replace('▁', ' '));
    }

    [Test]
    public void Trained_tokenizer_round_trips_exactly()
    {
        BpeTokenizer tokenizer = BpeTrainer.Train(BpeFixtures.TrainingCorpus, BpeFixtures.TrainingOptions);
        CheckAll(tokenizer, seed: 500, s => s);
    }

    [Test]
    public void Generator_produces_the_intended_variety()
    {
        var random = new Random(7);
        string all = string.Concat(Enumerable.Range(0, Cases).Select(_ => RandomText(random)));

        foreach (string expected in new[] { "\u200D", "\u0301", "▁", "\t", "  ", "\uFE0F", "\u212B" })
            Assert.That(all.Contains(expected, StringComparison.Ordinal), Is.True, $"U+{(int)expected[0]:X4}");
        Assert.That(all.Any(char.IsSurrogate), Is.True, "astral characters");
    }

    private static void CheckAll(BpeTokenizer tokenizer, int seed, Func<string, string> expectedOf)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        int checkedCount = 0;
        while (checkedCount < Cases)
        {
            string text = RandomText(random);
            if (tokenizer.AddedTokens.Any(t => text.Contains(t.Content, StringComparison.Ordinal))) continue;
            checkedCount++;
            int[] ids = tokenizer.Encode(text);
            Assert.That(ids, Has.All.InRange(0, tokenizer.VocabSize - 1));
            string decoded = tokenizer.Decode(ids);
            string expected = expectedOf(text);
            if (decoded != expected) failures.Add($"{BpeFixtures.Show(text)} decoded to {BpeFixtures.Show(decoded)}");
        }
        Assert.That(failures, Is.Empty, () => $"{failures.Count} of {Cases} round trips differ:\n" + string.Join("\n", failures.Take(10)));
    }

    /// <summary>A random valid string of 0 to 40 pieces.</summary>
    internal static string RandomText(Random random)
    {
        var text = new StringBuilder();
        int pieces = random.Next(0, 41);
        for (int i = 0; i < pieces; i++)
        {
            switch (random.Next(12))
            {
                case 0 or 1 or 2:
                    text.Append((char)random.Next(0x20, 0x7F));
                    break;
                case 3:
                    text.Append(RandomWord(random));
                    break;
                case 4:
                    text.Append(Pick(random, " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \t", "\u00A0", "\u3000"));
                    break;
                case 5:
                    text.Append((char)random.Next(0x4E00, 0x9FA6));
                    break;
                case 6:
                    text.Append(char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650)));
                    if (random.Next(3) == 0) text.Append(char.ConvertFromUtf32(random.Next(0x1F3FB, 0x1F400)));
                    if (random.Next(4) == 0) text.Append('\u200D').Append(char.ConvertFromUtf32(0x1F4BB));
                    if (random.Next(5) == 0) text.Append('\uFE0F');
                    break;
                case 7:
                    text.Append(Pick(random, "é", "e\u0301", "ñ", "n\u0303", "Å", "\u212B", "ü", "u\u0308", "ç", "ß", "ø", "Ω", "\u2126", "ǅ"));
                    break;
                case 8:
                    text.Append((char)random.Next(0x0410, 0x0450));
                    break;
                case 9:
                    text.Append((char)random.Next(0xAC00, 0xD7A4));
                    break;
                case 10:
                    text.Append(Pick(random, "▁", "𝐀", "𝑥", "𠀀", "🏳️‍🌈", "👨‍👩‍👧‍👦", "1️⃣", "🇫🇷"));
                    break;
                default:
                    text.Append(random.Next(0, 100000));
                    break;
            }
        }
        return text.ToString();
    }

    private static string RandomWord(Random random)
    {
        string[] words = ["the", "The", "director", "Barrington", "it's", "don't", "I'M", "hello", "world", "über", "naïve", "x"];
        return words[random.Next(words.Length)];
    }

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];
}
