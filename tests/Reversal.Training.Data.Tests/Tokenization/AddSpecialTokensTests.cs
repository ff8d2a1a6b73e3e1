using System.Text.Json;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>New special tokens on a loaded tokenizer ([MASK], [sop], [eop] for ABI and BICO on a pretrained model).</summary>
public class AddSpecialTokensTests
{
    private static BpeTokenizer Trained() => BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath);

    [Test]
    public void Added_tokens_take_the_next_ids_encode_literally_and_survive_save_and_load()
    {
        var tokenizer = Trained();
        int vocab = tokenizer.VocabSize;
        var extended = tokenizer.WithSpecialTokens("[MASK]", "[sop]", "[eop]");

        Assert.That(extended.VocabSize, Is.EqualTo(vocab + 3));
        Assert.That(new[] { "[MASK]", "[sop]", "[eop]" }.Select(t => extended.TokenToId(t)), Is.EqualTo(new int?[] { vocab, vocab + 1, vocab + 2 }));
        Assert.That(extended.SpecialTokens, Is.EqualTo(tokenizer.SpecialTokens), "the special ids are kept");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(vocab), "the original is unchanged");

        string text = "the cat [MASK] sat";
        var ids = extended.Encode(text);
        Assert.That(ids, Does.Contain(vocab));
        Assert.That(extended.Encode("the cat "), Is.EqualTo(ids.TakeWhile(id => id != vocab).ToArray()), "text around the token encodes as before");
        Assert.That(extended.Decode(ids, skipSpecialTokens: false), Is.EqualTo(text));
        Assert.That(extended.Decode(ids), Does.Not.Contain("[MASK]"));

        using var temp = new TempDirectory();
        string path = temp.File("tokenizer.json");
        extended.Save(path);
        var reloaded = BpeTokenizer.Load(path);
        Assert.That(reloaded.VocabSize, Is.EqualTo(vocab + 3));
        Assert.That(reloaded.Encode(text), Is.EqualTo(ids));
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var entry = document.RootElement.GetProperty("added_tokens").EnumerateArray().Single(t => t.GetProperty("content").GetString() == "[eop]");
        Assert.That(entry.GetProperty("id").GetInt32(), Is.EqualTo(vocab + 2));
        Assert.That(entry.GetProperty("special").GetBoolean(), Is.True);
        Assert.That(entry.GetProperty("normalized").GetBoolean(), Is.False);
    }

    [Test]
    public void Existing_repeated_or_empty_tokens_are_refused_by_name()
    {
        var tokenizer = Trained();
        string existing = tokenizer.IdToToken(tokenizer.SpecialTokens.Eos);
        var ex = Assert.Throws<ArgumentException>(() => tokenizer.WithSpecialTokens("[MASK]", existing))!;
        Assert.That(ex.Message, Does.Contain($"'{existing}'").And.Contain(tokenizer.SpecialTokens.Eos.ToString()));
        Assert.Throws<ArgumentException>(() => tokenizer.WithSpecialTokens("[MASK]", "[MASK]"));
        Assert.Throws<ArgumentException>(() => tokenizer.WithSpecialTokens(""));
        Assert.Throws<ArgumentException>(() => tokenizer.WithSpecialTokens());
    }
}
