using System.Text;
using System.Text.Json.Nodes;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.TestSupport.Fuzzing;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>
/// The tokenizer loaders under the mutation fuzzer, through their public entry points: every mutated
/// <c>tokenizer.json</c> or word-tokenizer file loads or is refused with <see cref="TokenizerFormatException"/>, in
/// bounded time and memory.
/// </summary>
[Category("Fuzz")]
public class TokenizerFuzzTests
{
    /// <summary>
    /// A load: the file's parse, the vocabulary and merges as strings and tables, and the compiled pre-tokenizer
    /// pattern. Measured at most 19 B/B beyond the constant (tokenizer.json) and 13 B/B (word tokenizer).
    /// </summary>
    public static readonly MemoryBound Bound = new(BytesPerInputByte: 32, ConstantBytes: 1024 * 1024);

    private static readonly string[] Corpus =
    [
        "Daphne Barrington is the director of \"A Journey Through Time.\"",
        "Who is Uriah Hawthorne? The composer of \"Abyssal Melodies\".",
        "They're here, aren't they? Zoë's café: 東京 😀 12,345.67",
    ];

    /// <summary>A small SentencePiece-style BPE file: byte fallback, ▁ normalizer, template post-processor, the decoder chain.</summary>
    public static byte[] SentencePieceSeed()
    {
        var vocab = new JsonObject { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = vocab.Count;
        foreach (char c in "\u2581abcdefghijklmnopqrstuvwxyz.,!?") vocab[c.ToString()] = vocab.Count;
        var merges = new JsonArray();
        foreach (var (a, b) in new[] { ("\u2581", "t"), ("h", "e"), ("\u2581t", "he"), ("i", "n"), ("e", "r"), ("\u2581", "a"), ("o", "n") })
        {
            merges.Add($"{a} {b}");
            vocab[a + b] = vocab.Count;
        }
        JsonObject Added(int id, string content) => new()
        {
            ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
        };
        JsonObject Special(string id, int typeId) => new() { ["SpecialToken"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
        JsonObject Sequence(string id, int typeId) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
        var file = new JsonObject
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null,
            ["added_tokens"] = new JsonArray(Added(0, "<unk>"), Added(1, "<s>"), Added(2, "</s>")),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["normalizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Prepend", ["prepend"] = "\u2581" },
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "\u2581" }),
            },
            ["pre_tokenizer"] = null,
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(Special("<s>", 0), Sequence("A", 0)),
                ["pair"] = new JsonArray(Special("<s>", 0), Sequence("A", 0), Special("<s>", 1), Sequence("B", 1)),
                ["special_tokens"] = new JsonObject { ["<s>"] = new JsonObject { ["id"] = "<s>", ["ids"] = new JsonArray(1), ["tokens"] = new JsonArray("<s>") } },
            },
            ["decoder"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "\u2581" }, ["content"] = " " },
                    new JsonObject { ["type"] = "ByteFallback" },
                    new JsonObject { ["type"] = "Fuse" },
                    new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = true, ["byte_fallback"] = true, ["vocab"] = vocab, ["merges"] = merges,
            },
        };
        return Encoding.UTF8.GetBytes(file.ToJsonString());
    }

    private static byte[] Saved(Action<string> save)
    {
        using var temp = new TempDirectory();
        string path = temp.File("seed.json");
        save(path);
        return File.ReadAllBytes(path);
    }

    [Test]
    public void Every_mutated_tokenizer_json_loads_or_is_refused_with_a_TokenizerFormatException()
    {
        byte[] sentencePiece = SentencePieceSeed();
        byte[] byteLevel = Saved(BpeTrainer.Train(Corpus, new BpeTrainerOptions { VocabSize = 300, MinFrequency = 1 }).Save);
        using var temp = new TempDirectory(inMemory: true);
        string path = temp.File("tokenizer.json");
        File.WriteAllBytes(path, sentencePiece);
        Assert.That(BpeTokenizer.Load(path).Encode("the tether"), Is.Not.Empty, "the SentencePiece seed is valid");
        Fuzz.Check(new FuzzTarget
        {
            Name = "tokenizer.json (BpeTokenizer.Load)",
            Seeds = [sentencePiece, byteLevel],
            Expected = [typeof(TokenizerFormatException)],
            Memory = Bound,
            Load = input =>
            {
                File.WriteAllBytes(path, input);
                BpeTokenizer.Load(path);
            },
        });
    }

    [Test]
    public void Every_mutated_word_tokenizer_file_loads_or_is_refused_with_a_TokenizerFormatException()
    {
        byte[] seed = Saved(WordTokenizer.Fit(Corpus, new WordTokenizerOptions { AdditionalSpecialTokens = ["[MASK]", "[sop]"] }).Save);
        using var temp = new TempDirectory(inMemory: true);
        string path = temp.File("word_tokenizer.json");
        Fuzz.Check(new FuzzTarget
        {
            Name = "word tokenizer (WordTokenizer.Load)",
            Seeds = [seed],
            Expected = [typeof(TokenizerFormatException)],
            Memory = Bound,
            Load = input =>
            {
                File.WriteAllBytes(path, input);
                WordTokenizer.Load(path);
            },
        });
    }
}
