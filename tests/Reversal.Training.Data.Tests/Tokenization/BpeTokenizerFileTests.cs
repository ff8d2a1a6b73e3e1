using System.Text.Json;
using System.Text.Json.Nodes;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tokenization.Decoders;
using Reversal.Training.Data.Tokenization.Normalizers;
using Reversal.Training.Data.Tokenization.PostProcessors;
using Reversal.Training.Data.Tokenization.PreTokenizers;
using Reversal.Training.Objectives;

namespace Reversal.Training.Data.Tests.Tokenization;

public class BpeTokenizerFileTests
{
    private static IEnumerable<string> RealTokenizers => BpeFixtures.RealTokenizers;

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    // ---- Loading the real files ------------------------------------------------------------------------------------

    [Test]
    public void SentencePiece_file_loads_with_its_components_and_special_ids()
    {
        BpeTokenizer tokenizer = BpeFixtures.Real("sentencepiece-bpe-32k");

        Assert.That(tokenizer.VocabSize, Is.EqualTo(32000));
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(new SpecialTokenIds(Pad: 0, Unk: 0, Bos: 1, Eos: 2)));
        Assert.That(tokenizer.Normalizer, Is.TypeOf<SequenceNormalizer>());
        Assert.That(tokenizer.PreTokenizer, Is.Null);
        Assert.That(tokenizer.Decoder, Is.TypeOf<SequenceDecoder>());
        Assert.That(tokenizer.Model.Settings.ByteFallback, Is.True);
        Assert.That(tokenizer.Model.Settings.MergesAsStrings, Is.True);
        Assert.That(tokenizer.AddedTokens.Select(t => t.Content), Is.EqualTo(new[] { "<unk>", "<s>", "</s>" }));
        Assert.That(tokenizer.IsSpecialToken(1), Is.True);
        Assert.That(tokenizer.IsSpecialToken(100), Is.False);
    }

    [Test]
    public void Byte_level_file_loads_with_its_components_and_special_ids()
    {
        BpeTokenizer tokenizer = BpeFixtures.Real("byte-level-bpe-151k");

        Assert.That(tokenizer.VocabSize, Is.EqualTo(151669));
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(new SpecialTokenIds(Pad: 151643, Unk: 151656, Bos: 151645, Eos: 151645)));
        Assert.That(tokenizer.IdToToken(tokenizer.SpecialTokens.Unk), Is.EqualTo("<|video_pad|>"));
        Assert.That(tokenizer.Normalizer, Is.TypeOf<UnicodeNormalizer>());
        Assert.That(tokenizer.PreTokenizer, Is.TypeOf<SequencePreTokenizer>());
        Assert.That(tokenizer.Model.Settings.MergesAsStrings, Is.False);
        Assert.That(tokenizer.IsSpecialToken(151644), Is.True, "<|im_start|>");
        Assert.That(tokenizer.IsSpecialToken(151667), Is.False, "<think> is added but not special");
    }

    [Test]
    public void Without_a_config_file_special_ids_come_from_the_tokenizer_json()
    {
        string folder = BpeFixtures.RealFolder("sentencepiece-bpe-32k");
        string path = _temp.File("tokenizer.json");
        File.Copy(Path.Combine(folder, "tokenizer.json"), path);

        BpeTokenizer tokenizer = BpeTokenizer.Load(path);

        // unk from the model, bos from the post-processor template, eos by name, pad falls back to unk.
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(new SpecialTokenIds(Pad: 0, Unk: 0, Bos: 1, Eos: 2)));
    }

    [Test]
    public void Explicit_special_ids_override_the_files()
    {
        string path = Path.Combine(BpeFixtures.RealFolder("sentencepiece-bpe-32k"), "tokenizer.json");
        var explicitIds = new SpecialTokenIds(Pad: 2, Unk: 0, Bos: 1, Eos: 2);

        Assert.That(BpeTokenizer.Load(path, explicitIds).SpecialTokens, Is.EqualTo(explicitIds));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTokenizer.Load(path, new SpecialTokenIds(0, 0, 1, 32000)));
    }

    [TestCaseSource(nameof(RealTokenizers))]
    public void Encode_adds_bos_and_eos_only_on_request(string name)
    {
        BpeTokenizer tokenizer = BpeFixtures.Real(name);
        int[] plain = tokenizer.Encode("Hello world");

        Assert.That(tokenizer.Encode("Hello world", addBos: true), Is.EqualTo(new[] { tokenizer.SpecialTokens.Bos }.Concat(plain)));
        Assert.That(tokenizer.Encode("Hello world", addEos: true), Is.EqualTo(plain.Append(tokenizer.SpecialTokens.Eos)));
        Assert.That(tokenizer.Encode(""), Is.Empty);
        Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!));
    }

    // ---- Saving ------------------------------------------------------------------------------------------------------

    [TestCaseSource(nameof(RealTokenizers))]
    public void Saved_real_file_is_semantically_equal_to_the_original(string name)
    {
        string folder = BpeFixtures.RealFolder(name);
        string path = _temp.File("tokenizer.json");

        BpeFixtures.Real(name).Save(path);

        JsonNode original = JsonNode.Parse(File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")))!;
        JsonNode saved = JsonNode.Parse(File.ReadAllBytes(path))!;
        Assert.That(FirstDifference(original, saved, "$"), Is.Null);
    }

    [TestCaseSource(nameof(RealTokenizers))]
    public void Saved_real_file_reloads_with_identical_encodings(string name)
    {
        string folder = BpeFixtures.RealFolder(name);
        BpeTokenizer original = BpeFixtures.Real(name);
        string path = _temp.File("tokenizer.json");
        File.Copy(Path.Combine(folder, "tokenizer_config.json"), _temp.File("tokenizer_config.json"));

        original.Save(path);
        BpeTokenizer reloaded = BpeTokenizer.Load(path);

        Assert.That(reloaded.VocabSize, Is.EqualTo(original.VocabSize));
        Assert.That(reloaded.SpecialTokens, Is.EqualTo(original.SpecialTokens));
        foreach (string text in BpeFixtures.Reference().Texts)
            Assert.That(reloaded.Encode(text), Is.EqualTo(original.Encode(text)), BpeFixtures.Show(text));
    }

    [Test]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, "old content");

        BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath).Save(path);

        Assert.That(BpeTokenizer.Load(path).VocabSize, Is.EqualTo(500));
        Assert.That(Directory.GetFiles(_temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Save_creates_missing_folders()
    {
        string path = Path.Combine(_temp.Path, "a", "b", "tokenizer.json");

        BpeTokenizer.Load(BpeFixtures.TrainedTokenizerPath).Save(path);

        Assert.That(File.Exists(path), Is.True);
    }

    [Test]
    public void Minimal_file_round_trips_every_supported_component()
    {
        JsonObject json = MinimalTokenizer();
        json["normalizer"] = JsonNode.Parse("""
            {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Prepend", "prepend": "_"},
             {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}]}
            """);
        json["pre_tokenizer"] = JsonNode.Parse("""
            {"type": "Sequence", "pretokenizers": [
              {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithNext", "invert": false},
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": false}]}
            """);
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
             {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
              "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
              "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}]}
            """);
        json["decoder"] = JsonNode.Parse("""
            {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "_"}, "content": " "}, {"type": "ByteFallback"},
             {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 1}, {"type": "BPEDecoder", "suffix": "</w>"},
             {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}]}
            """);
        json["truncation"] = JsonNode.Parse("""{"direction": "Right", "max_length": 512, "strategy": "LongestFirst", "stride": 0}""");
        string path = Write(json);
        string saved = _temp.File("saved.json");

        BpeTokenizer.Load(path).Save(saved);

        Assert.That(FirstDifference(json, JsonNode.Parse(File.ReadAllBytes(saved))!, "$"), Is.Null);
    }

    // ---- Validation: one test per problem ----------------------------------------------------------------------------

    [Test]
    public void Invalid_json_is_refused()
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"BPE\", ");

        AssertRefused(path, "not valid JSON");
    }

    [Test]
    public void Missing_model_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json.Remove("model");

        AssertRefused(Write(json), "'model' is missing");
    }

    [Test]
    public void Unknown_model_type_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["model"]!["type"] = "WordPiece";

        AssertRefused(Write(json), "model: unsupported model type \"WordPiece\" (supported: BPE)");
    }

    [Test]
    public void Vocab_with_duplicate_ids_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["model"]!["vocab"]!["c"] = 0;

        AssertRefused(Write(json), "model.vocab: the tokens \"<unk>\" and \"c\" both have id 0");
    }

    [Test]
    public void Vocab_with_a_negative_or_non_integer_id_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["model"]!["vocab"]!["ab"] = -4;
        AssertRefused(Write(json), "model.vocab: the token \"ab\" has id -4, which is not an integer in [0, 2147483647]");

        json["model"]!["vocab"]!["ab"] = 4.5;
        AssertRefused(Write(json), "model.vocab: the token \"ab\" has id 4.5, which is not an integer");

        json["model"]!["vocab"]!["ab"] = "4";
        AssertRefused(Write(json), "model.vocab: the token \"ab\" has id \"4\", which is not an integer");
    }

    [Test]
    public void Merge_of_a_token_missing_from_the_vocab_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["model"]!["merges"] = new JsonArray("a b", "a z");

        AssertRefused(Write(json), "model.merges[1]: the token \"z\" is not in the vocabulary");
    }

    [Test]
    public void Merge_whose_result_is_missing_from_the_vocab_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["model"]!["merges"] = new JsonArray(new JsonArray("b", "a"));

        AssertRefused(Write(json), "model.merges[0]: the merged token \"ba\" is not in the vocabulary");
    }

    [Test]
    public void Added_token_whose_id_belongs_to_another_vocab_token_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["added_tokens"]!.AsArray().Add(AddedTokenJson(2, "<mask>"));

        AssertRefused(Write(json), "added_tokens[2]: the added token \"<mask>\" has id 2, which the vocabulary gives to \"a\"");
    }

    [Test]
    public void Unsupported_normalizer_type_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["normalizer"] = JsonNode.Parse("""{"type": "BertNormalizer", "lowercase": true}""");

        AssertRefused(Write(json), "normalizer: unsupported normalizer type \"BertNormalizer\"");
    }

    [Test]
    public void Unsupported_normalizer_inside_a_sequence_is_refused_with_its_place()
    {
        JsonObject json = MinimalTokenizer();
        json["normalizer"] = JsonNode.Parse("""{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Precompiled"}]}""");

        AssertRefused(Write(json), "normalizer.normalizers[1]: unsupported normalizer type \"Precompiled\"");
    }

    [Test]
    public void Unsupported_pre_tokenizer_type_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["pre_tokenizer"] = JsonNode.Parse("""{"type": "Whitespace"}""");

        AssertRefused(Write(json), "pre_tokenizer: unsupported pre-tokenizer type \"Whitespace\"");
    }

    [Test]
    public void Unsupported_decoder_type_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["decoder"] = JsonNode.Parse("""{"type": "WordPiece", "prefix": "##", "cleanup": true}""");

        AssertRefused(Write(json), "decoder: unsupported decoder type \"WordPiece\"");
    }

    [Test]
    public void Unsupported_post_processor_type_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["post_processor"] = JsonNode.Parse("""{"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}""");

        AssertRefused(Write(json), "post_processor: unsupported post-processor type \"BertProcessing\"");
    }

    [Test]
    public void Unsupported_regex_construct_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["pre_tokenizer"] = JsonNode.Parse("""{"type": "Split", "pattern": {"Regex": "\\p{Han}+"}, "behavior": "Isolated", "invert": false}""");

        AssertRefused(Write(json), "pre_tokenizer.pattern.Regex: regular expression /\\p{Han}+/ uses an unsupported or malformed construct");
    }

    [Test]
    public void Bpe_dropout_is_refused()
    {
        JsonObject json = MinimalTokenizer();
        json["model"]!["dropout"] = 0.1;

        AssertRefused(Write(json), "model.dropout: BPE dropout (0.1) is not supported");
    }

    [Test]
    public void Missing_file_throws_FileNotFoundException()
        => Assert.Throws<FileNotFoundException>(() => BpeTokenizer.Load(_temp.File("missing.json")));

    [Test]
    public void Decode_of_an_id_outside_the_vocabulary_names_the_id_and_its_index()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(MinimalTokenizer()));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([2, 3, 5]));
        Assert.That(error!.Message, Does.Contain("Token id 5 at index 2 is outside the vocabulary [0, 5)"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.IdToToken(5));
    }

    [Test]
    public void Minimal_tokenizer_encodes_with_merges_and_unknown_tokens()
    {
        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(MinimalTokenizer()));

        // vocab: <unk>=0 <s>=1 a=2 b=3 ab=4; "ab" merges, "c" is unknown, fused with "d".
        Assert.That(tokenizer.Encode("abacdb"), Is.EqualTo(new[] { 4, 2, 0, 3 }));
        Assert.That(tokenizer.Encode("<s>ab"), Is.EqualTo(new[] { 1, 4 }));
        Assert.That(tokenizer.Decode([1, 4, 2]), Is.EqualTo("ab a"), "no decoder: tokens joined by spaces, special skipped");
        Assert.That(tokenizer.SpecialTokens, Is.EqualTo(new SpecialTokenIds(Pad: 0, Unk: 0, Bos: 1, Eos: 1)));
    }

    [Test]
    public void Normalized_added_tokens_are_matched_in_the_normalized_text()
    {
        JsonObject json = MinimalTokenizer();
        json["normalizer"] = JsonNode.Parse("""{"type": "Lowercase"}""");
        json["added_tokens"]!.AsArray().Add(new JsonObject
        {
            ["id"] = 5, ["content"] = "<mask>", ["single_word"] = false, ["lstrip"] = true, ["rstrip"] = false,
            ["normalized"] = true, ["special"] = false,
        });
        BpeTokenizer tokenizer = BpeTokenizer.Load(Write(json));

        Assert.That(tokenizer.Encode("AB  <MASK>b"), Is.EqualTo(new[] { 4, 5, 3 }), "lower-cased, then <mask> found; lstrip ate the spaces");
        Assert.That(tokenizer.Encode("<s>AB"), Is.EqualTo(new[] { 1, 4 }), "<s> is not normalized: matched in the raw text");
        Assert.That(tokenizer.TokenToId("<mask>"), Is.EqualTo(5));
        Assert.That(tokenizer.Decode([5, 2]), Is.EqualTo("<mask> a"), "a non-special added token is kept");
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------------

    private static JsonObject MinimalTokenizer() => (JsonObject)JsonNode.Parse("""
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": [
            {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
          ],
          "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
          "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null,
                    "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": false,
                    "vocab": {"<unk>": 0, "<s>": 1, "a": 2, "b": 3, "ab": 4}, "merges": ["a b"]}
        }
        """)!;

    private static JsonObject AddedTokenJson(int id, string content) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
        ["normalized"] = false, ["special"] = true,
    };

    private string Write(JsonNode json)
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static void AssertRefused(string path, string problem)
    {
        var error = Assert.Throws<TokenizerFormatException>(() => BpeTokenizer.Load(path));
        Assert.That(error!.FilePath, Is.EqualTo(path));
        Assert.That(error.Message, Does.StartWith(path + ": "));
        Assert.That(error.Message, Does.Contain(problem));
        Assert.That(error, Is.InstanceOf<FormatException>());
    }

    /// <summary>The JSON path of the first difference between two documents (object property order ignored), or null.</summary>
    internal static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: {expected?.ToJsonString() ?? "null"} vs {actual?.ToJsonString() ?? "null"}";
        switch (expected)
        {
            case JsonObject expectedObject:
                if (actual is not JsonObject actualObject) return $"{path}: object vs {actual.GetValueKind()}";
                foreach (var (key, value) in expectedObject)
                {
                    if (!actualObject.TryGetPropertyValue(key, out JsonNode? other)) return $"{path}.{key}: missing in the saved file";
                    if (FirstDifference(value, other, $"{path}.{key}") is { } difference) return difference;
                }
                foreach (var (key, _) in actualObject)
                    if (!expectedObject.ContainsKey(key)) return $"{path}.{key}: not in the original";
                return null;
            case JsonArray expectedArray:
                if (actual is not JsonArray actualArray) return $"{path}: array vs {actual.GetValueKind()}";
                if (expectedArray.Count != actualArray.Count) return $"{path}: {expectedArray.Count} items vs {actualArray.Count}";
                for (int i = 0; i < expectedArray.Count; i++)
                    if (FirstDifference(expectedArray[i], actualArray[i], $"{path}[{i}]") is { } difference) return difference;
                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: {expected.ToJsonString()} vs {actual.ToJsonString()}";
        }
    }
}
