using System.Text.Json.Nodes;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>
/// Vocabularies whose ids have holes (GPT-4o's o200k layout: ids up to 200,018 for 200,000 tokens) load as the
/// reference implementation loads them: the vocabulary size is the largest id + 1, and the ids in between that
/// name no token are holes that never encode and refuse to decode.
/// </summary>
public class SparseVocabularyTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    // Model ids 0, 1, 2, 4, 7 (holes 3, 5, 6), added tokens at 9 and 12 beyond the model (holes 8, 10, 11).
    private static JsonObject SparseTokenizer() => (JsonObject)JsonNode.Parse("""
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": [
            {"id": 9, "content": "<|endoftext|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 12, "content": "<|endofprompt|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
          ],
          "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
          "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                    "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
                    "vocab": {"a": 0, "b": 1, "ab": 2, "c": 4, "abc": 7}, "merges": ["a b", "ab c"]}
        }
        """)!;

    [Test]
    public void Sparse_ids_load_with_the_largest_id_plus_one_as_vocabulary_size()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(SparseTokenizer()));

        Assert.That(tokenizer.VocabSize, Is.EqualTo(13));
        Assert.That(Enumerable.Range(0, 13).Where(tokenizer.IsToken), Is.EqualTo(new[] { 0, 1, 2, 4, 7, 9, 12 }));
        Assert.That(tokenizer.IsToken(13), Is.False);
        Assert.That(tokenizer.IsToken(-1), Is.False);
    }

    [Test]
    public void Sparse_vocabulary_encodes_and_decodes_its_tokens()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(SparseTokenizer()));

        Assert.That(tokenizer.Encode("abc"), Is.EqualTo(new[] { 7 }));
        Assert.That(tokenizer.Encode("cab"), Is.EqualTo(new[] { 4, 2 }));
        Assert.That(tokenizer.Encode("ab<|endofprompt|>c"), Is.EqualTo(new[] { 2, 12, 4 }));
        Assert.That(tokenizer.Decode([7, 12, 4], skipSpecialTokens: false), Is.EqualTo("abc <|endofprompt|> c"));
        Assert.That(tokenizer.Decode([7, 12, 4]), Is.EqualTo("abc c"));
        Assert.That(tokenizer.TokenToId("<|endoftext|>"), Is.EqualTo(9));
        Assert.That(tokenizer.IdToToken(12), Is.EqualTo("<|endofprompt|>"));
    }

    [TestCase(3)]
    [TestCase(8)]
    [TestCase(11)]
    public void Decoding_a_hole_is_a_clear_error(int hole)
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(SparseTokenizer()));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([7, hole]));
        Assert.That(error!.Message, Does.Contain($"Token id {hole} at index 1 has no token: the vocabulary's ids have a hole there."));
        Assert.That(error.ParamName, Is.EqualTo("ids"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.IdToToken(hole));
    }

    [Test]
    public void Special_ids_are_resolved_among_tokens_and_explicit_ones_on_a_hole_are_refused()
    {
        string path = Write(SparseTokenizer());

        // eos: the well-known <|endoftext|>; bos falls back to eos; unk and pad to the spare special <|endofprompt|>.
        Assert.That(BpeTokenizer.Load(path).SpecialTokens, Is.EqualTo(new SpecialTokenIds(Pad: 12, Unk: 12, Bos: 9, Eos: 9)));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BpeTokenizer.Load(path, new SpecialTokenIds(Pad: 3, Unk: 12, Bos: 9, Eos: 9)));
        Assert.That(error!.Message, Does.Contain($"Special token Pad has id 3, which no token of tokenizer '{path}' has (a hole in its ids)."));
    }

    [Test]
    public void Vocabulary_starting_with_a_hole_falls_back_to_its_first_token()
    {
        JsonObject json = SparseTokenizer();
        json["added_tokens"] = new JsonArray();
        json["model"]!["vocab"] = JsonNode.Parse("""{"a": 5, "b": 6}""");
        json["model"]!["merges"] = new JsonArray();

        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(json));

        Assert.That(tokenizer.VocabSize, Is.EqualTo(7));
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(new SpecialTokenIds(5, 5, 5, 5)));
    }

    [Test]
    public void Saved_sparse_vocabulary_reloads_with_the_same_holes()
    {
        string saved = _temp.File("saved.json");
        BpeTokenizer.Load(Write(SparseTokenizer())).Save(saved);

        BpeTokenizer reloaded = BpeTokenizer.Load(saved);

        Assert.That(BpeTokenizerFileTests.FirstDifference(SparseTokenizer(), JsonNode.Parse(File.ReadAllBytes(saved)), "$"), Is.Null);
        Assert.That(reloaded.VocabSize, Is.EqualTo(13));
        Assert.That(reloaded.IsToken(3), Is.False);
    }

    [Test]
    public void More_holes_than_tokens_plus_65536_are_refused_before_anything_is_sized_by_id()
    {
        JsonObject json = SparseTokenizer();
        json["added_tokens"] = new JsonArray();
        json["model"]!["merges"] = new JsonArray();
        json["model"]!["vocab"] = JsonNode.Parse("""{"a": 0, "b": 65539}""");
        Assert.That(BpeTokenizer.Load(Write(json)).VocabSize, Is.EqualTo(65540), "65,538 holes for 2 tokens: the limit");

        json["model"]!["vocab"] = JsonNode.Parse("""{"a": 0, "b": 65540}""");
        var error = Assert.Throws<TokenizerFormatException>(() => BpeTokenizer.Load(Write(json)));
        Assert.That(error!.Message, Does.Contain("model.vocab: the largest id 65540 leaves 65,539 ids without a token among 2 tokens; at most 65,538 holes"));
    }

    [Test]
    public void Added_token_far_beyond_the_vocabulary_is_refused_by_the_hole_limit()
    {
        JsonObject json = SparseTokenizer();
        json["added_tokens"]![1]!["id"] = 1_000_000;

        var error = Assert.Throws<TokenizerFormatException>(() => BpeTokenizer.Load(Write(json)));
        Assert.That(error!.Message, Does.Contain("added_tokens: the largest id 1000000 leaves"));
    }

    [Test]
    public void Real_o200k_file_loads_with_its_holes_and_special_tokens()
    {
        string path = Path.Combine(BpeFixtures.RealFolder("byte-level-bpe-o200k-sparse"), "tokenizer.json");
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        BpeTokenizer tokenizer = BpeTokenizer.Load(path);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        TestContext.Out.WriteLine($"o200k: {new FileInfo(path).Length:N0} bytes, load allocated {allocated:N0} bytes on the test thread");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(200_019));
        Assert.That(Enumerable.Range(0, tokenizer.VocabSize).Count(id => !tokenizer.IsToken(id)), Is.EqualTo(19));
        Assert.That(tokenizer.IsToken(199_998), Is.False);
        Assert.That(tokenizer.IdToToken(200_018), Is.EqualTo("<|endofprompt|>"));
        // tokenizer_config.json names <|endoftext|> for bos, eos and unk; pad falls back to the spare <|endofprompt|>.
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(new SpecialTokenIds(Pad: 200_018, Unk: 199_999, Bos: 199_999, Eos: 199_999)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([13225, 200_005]));
    }

    private string Write(JsonNode json)
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
