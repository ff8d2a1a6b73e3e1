using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tests.Tokenization;

/// <summary>
/// Tokenizer files are often downloaded from someone else. Every malformed <c>tokenizer.json</c>,
/// <c>tokenizer_config.json</c> or word-tokenizer file is refused with <see cref="TokenizerFormatException"/> (a
/// missing file with <see cref="FileNotFoundException"/>), within a second and without allocating by any number in
/// the file. Each crafted case is a regression test; the wrong-type sweeps replace every value of a valid file.
/// </summary>
public class UntrustedTokenizerFileTests
{
    /// <summary>The most a refused load of these small files may allocate on the test thread.</summary>
    private const long MaxAllocatedBytes = 64L * 1024 * 1024;

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    // ---- Bytes that are not text --------------------------------------------------------------------------------------

    [Test]
    public void Invalid_utf8_in_a_vocabulary_token_is_refused()
        => AssertBpeRefused(Bytes(Bpe(), "\"ab\": 4", [.. "\"a"u8, 0xC3, 0x28, .. "\": 4"u8]), "not valid UTF-8 (byte 0xC3 does not start a valid sequence) at byte 646 (line 7");

    [Test]
    public void Invalid_utf8_in_a_string_value_is_refused()
        => AssertBpeRefused(Bytes(Bpe(), "\"content\": \"<s>\"", [.. "\"content\": \"<"u8, 0xFF, .. ">\""u8]), "not valid UTF-8 (byte 0xFF");

    [TestCase("\\ud800", "escapes an invalid UTF-16 sequence")]
    [TestCase("x\\udc00", "escapes an invalid UTF-16 sequence")]
    [TestCase("\\ud800\\u0041", "escapes an invalid UTF-16 sequence")]
    [TestCase("\\ud800x", "escapes an invalid UTF-16 sequence")]
    public void Lone_surrogate_escapes_are_refused_in_names_and_values(string escaped, string problem)
    {
        AssertBpeRefused(Bytes(Bpe(), "\"ab\": 4", Encoding.UTF8.GetBytes($"\"{escaped}\": 4")), problem);
        AssertBpeRefused(Bytes(Bpe(), "\"content\": \"<s>\"", Encoding.UTF8.GetBytes($"\"content\": \"{escaped}\"")), problem);
        AssertWordRefused(Bytes(Word(), "\"cat\"", Encoding.UTF8.GetBytes($"\"{escaped}\"")), problem);
    }

    [Test]
    public void A_valid_surrogate_pair_escape_is_accepted()
    {
        string path = WriteFile("tokenizer.json", Bytes(Bpe(), "\"ab\": 4", "\"ab\": 4, \"\\ud83d\\ude00\": 5"u8.ToArray()));

        Assert.That(BpeTokenizer.Load(path).TokenToId("😀"), Is.EqualTo(5));
    }

    [Test]
    public void Invalid_utf8_in_tokenizer_config_is_refused_naming_the_config_file()
    {
        string path = WriteFile("tokenizer.json", Encoding.UTF8.GetBytes(Bpe()));
        string config = WriteFile("tokenizer_config.json", [.. "{\"bos_token\": \""u8, 0xC0, 0x80, .. "\"}"u8]);

        var error = Assert.Throws<TokenizerFormatException>(() => BpeTokenizer.Load(path));
        Assert.That(error!.FilePath, Is.EqualTo(config));
        Assert.That(error.Message, Does.Contain("not valid UTF-8"));
    }

    // ---- Numbers that would size arrays -------------------------------------------------------------------------------

    [Test]
    public void Added_token_with_id_int_max_is_refused_without_allocating_by_id()
        => AssertBpeRefused(Bpe().Replace("\"id\": 1,", "\"id\": 2147483647,"), "added_tokens: the largest id 2147483647 leaves");

    [Test]
    public void Vocabulary_id_int_max_is_refused_without_allocating_by_id()
        => AssertBpeRefused(Bpe().Replace("\"ab\": 4", "\"ab\": 2147483647"), "model.vocab: the largest id 2147483647 leaves");

    [TestCase("99999999999", "model.vocab: the token \"ab\" has id 99999999999, which is not an integer")]
    [TestCase("-1", "model.vocab: the token \"ab\" has id -1")]
    [TestCase("1e400", "model.vocab: the token \"ab\" has id 1e400")]
    public void Vocabulary_ids_outside_int32_or_negative_are_refused(string id, string problem)
        => AssertBpeRefused(Bpe().Replace("\"ab\": 4", $"\"ab\": {id}"), problem);

    [TestCase("99999999999", "added_tokens[1].id: must be a 32-bit integer")]
    [TestCase("-7", "added_tokens[1]: the added token \"<s>\" has the negative id -7")]
    public void Added_token_ids_outside_int32_or_negative_are_refused(string id, string problem)
        => AssertBpeRefused(Bpe().Replace("\"id\": 1,", $"\"id\": {id},"), problem);

    [Test]
    public void Dropout_beyond_double_is_refused()
        => AssertBpeRefused(Bpe().Replace("\"dropout\": null", "\"dropout\": 1e999"), "model.dropout: BPE dropout (");

    // ---- Structure ----------------------------------------------------------------------------------------------------

    [Test]
    public void Nesting_deeper_than_64_levels_is_refused()
    {
        string deep = new string('[', 10_000) + new string(']', 10_000);
        AssertBpeRefused(Bpe().Replace("\"truncation\": null", $"\"truncation\": {deep}"), "not valid JSON");
        AssertWordRefused(Word().Replace("\"lower_case\": true", $"\"lower_case\": {deep}"), "not valid JSON");
    }

    [TestCase("", "not valid JSON")]
    [TestCase("[]", "must be a JSON object")]
    [TestCase("\"tokenizer\"", "must be a JSON object")]
    [TestCase("{\"model\": 1}", "model: must be a JSON object, found Number")]
    [TestCase("{\"model\": {\"type\": 5}}", "model.type: must be a string, found Number")]
    [TestCase("{\"model\": {\"type\": \"BPE\", \"vocab\": []}}", "model.vocab: must be a JSON object, found Array")]
    public void Documents_of_the_wrong_shape_are_refused(string json, string problem)
        => AssertBpeRefused(json, problem);

    [Test]
    public void Repeated_keys_are_refused()
        => AssertBpeRefused(Bpe().Replace("\"a\": 2,", "\"a\": 2, \"a\": 3,"), "model.vocab.a: the key 'a' appears more than once");

    [Test]
    public void File_larger_than_256_MiB_is_refused_before_it_is_read()
    {
        string path = _temp.File("tokenizer.json");
        using (var stream = File.Create(path)) stream.SetLength(256L * 1024 * 1024 + 1); // sparse: nothing written

        var error = AssertRefusedQuickly(() => BpeTokenizer.Load(path));
        Assert.That(error.Message, Does.Contain("the file has 268,435,457 bytes, more than the 268,435,456 a tokenizer file may have"));
        Assert.That(AssertRefusedQuickly(() => WordTokenizer.Load(path)).Message, Does.Contain("268,435,457 bytes"));
    }

    [Test]
    public void A_folder_or_a_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => BpeTokenizer.Load(_temp.Path));
        Assert.Throws<FileNotFoundException>(() => WordTokenizer.Load(_temp.File("missing.json")));
    }

    // ---- Components ---------------------------------------------------------------------------------------------------

    [Test]
    public void Regular_expression_longer_than_4096_characters_is_refused()
        => AssertBpeRefused(WithSplitPattern(new string('a', 4097)), "pre_tokenizer.pattern.Regex: regular expression of 4,097 characters is longer than the 4,096 accepted");

    [Test]
    public void Regular_expression_nesting_groups_deeper_than_32_is_refused()
        => AssertBpeRefused(WithSplitPattern(new string('(', 40) + "a" + new string(')', 40)), "groups nested deeper than 32");

    [Test]
    public void Catastrophic_backtracking_in_a_file_pattern_ends_with_a_timeout_not_a_hang()
    {
        string path = WriteFile("tokenizer.json", Encoding.UTF8.GetBytes(WithSplitPattern("(a+)+$")));
        BpeTokenizer tokenizer = BpeTokenizer.Load(path);

        var watch = Stopwatch.StartNew();
        Assert.Throws<RegexMatchTimeoutException>(() => tokenizer.Encode(new string('a', 40) + "!"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "one second per match, generous for a loaded machine");
    }

    [Test]
    public void Bpe_decoder_with_an_empty_suffix_is_refused()
        => AssertBpeRefused(Bpe().Replace("\"decoder\": null", "\"decoder\": {\"type\": \"BPEDecoder\", \"suffix\": \"\"}"), "decoder.suffix: must not be empty");

    // ---- Every value of valid files replaced by every JSON type ---------------------------------------------------------

    private static readonly JsonNode?[] s_replacements =
    [
        null, JsonValue.Create(2147483647), JsonValue.Create(-1), JsonValue.Create(1e300), JsonValue.Create(""),
        JsonValue.Create("x"), JsonValue.Create(true), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1)),
    ];

    // The sweeps parse from memory (the loaders' code after reading the file), as writing some 1,500 files takes
    // seconds on a busy disk; the entry points' own file handling is covered above.
    [Test]
    public void Every_value_of_a_full_tokenizer_json_replaced_by_every_type_loads_or_is_refused_typed()
        => Sweep(FullBpe(), json => BpeTokenizerFile.Parse(json, "tokenizer.json"));

    [Test]
    public void Every_value_of_a_word_tokenizer_file_replaced_by_every_type_loads_or_is_refused_typed()
        => Sweep(Word(), json => WordTokenizerFile.Parse(json, "word.json"));

    private static void Sweep(string seed, Func<byte[], ITokenizer> load)
    {
        JsonNode root = JsonNode.Parse(seed)!;
        int paths = CountValues(root);
        var outcomes = new Dictionary<string, int>();
        var untyped = new List<string>();
        for (int target = 1; target < paths; target++)
        {
            foreach (JsonNode? replacement in s_replacements)
            {
                JsonNode copy = root.DeepClone();
                string where = Replace(copy, target, replacement?.DeepClone());
                byte[] json = Encoding.UTF8.GetBytes(copy.ToJsonString());
                string outcome;
                try
                {
                    ITokenizer tokenizer = load(json);
                    int[] ids = tokenizer.Encode("the cat <s> sat ab abc 😀", addBos: true, addEos: true);
                    tokenizer.Decode(ids, skipSpecialTokens: false);
                    outcome = "loaded";
                }
                catch (TokenizerFormatException)
                {
                    outcome = nameof(TokenizerFormatException);
                }
                catch (Exception ex)
                {
                    outcome = ex.GetType().Name;
                    untyped.Add($"{where} = {replacement?.ToJsonString() ?? "null"}: {ex.GetType().Name}: {ex.Message}");
                }
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }
        TestContext.Out.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.That(untyped, Is.Empty);
        Assert.That(outcomes.GetValueOrDefault(nameof(TokenizerFormatException)), Is.GreaterThan(paths), "the sweep does reach the validation");
    }

    private static int CountValues(JsonNode? node) => 1 + node switch
    {
        JsonObject o => o.Sum(p => CountValues(p.Value)),
        JsonArray a => a.Sum(CountValues),
        _ => 0,
    };

    /// <summary>Replaces the value number <paramref name="target"/> (pre-order, the root is 0) and returns its path.</summary>
    private static string Replace(JsonNode root, int target, JsonNode? replacement)
    {
        int index = 0;
        string? found = null;
        void Walk(JsonNode? node, string path, Action<JsonNode?> set)
        {
            if (found is not null) return;
            if (index++ == target)
            {
                found = path;
                set(replacement);
                return;
            }
            if (node is JsonObject o)
                foreach (var (key, value) in o.ToList()) Walk(value, $"{path}.{key}", v => o[key] = v);
            else if (node is JsonArray a)
                for (int i = 0; i < a.Count; i++)
                {
                    int item = i;
                    Walk(a[i], $"{path}[{i}]", v => a[item] = v);
                }
        }
        Walk(root, "$", _ => { });
        return found!;
    }

    // ---- Files --------------------------------------------------------------------------------------------------------

    private static string Bpe() => """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [
           {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
           {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
         "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
         "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null, "end_of_word_suffix": null,
                   "fuse_unk": true, "byte_fallback": false, "vocab": {"<unk>": 0, "<s>": 1, "a": 2, "b": 3, "ab": 4}, "merges": ["a b"]}}
        """;

    /// <summary>A file with every supported component and flag, so the sweep reaches every reader.</summary>
    private static string FullBpe() => """
        {"version": "1.0", "truncation": {"max_length": 8}, "padding": null,
         "added_tokens": [
           {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
           {"id": 1, "content": "<s>", "single_word": true, "lstrip": true, "rstrip": true, "normalized": true, "special": false},
           {"id": 9, "content": "<|eot|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
         "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}, {"type": "Prepend", "prepend": "_"},
           {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}]},
         "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
           {"type": "Split", "pattern": {"Regex": "(?i:'s|'t)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s+(?!\\S)|\\s+"},
            "behavior": "Isolated", "invert": false},
           {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithNext", "invert": false},
           {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": false}]},
         "post_processor": {"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
           {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}]},
         "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "_"}, "content": " "}, {"type": "ByteFallback"},
           {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 1}, {"type": "BPEDecoder", "suffix": "</w>"},
           {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}]},
         "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": "##", "end_of_word_suffix": "</w>",
                   "fuse_unk": true, "byte_fallback": true, "ignore_merges": false,
                   "vocab": {"<unk>": 0, "<s>": 1, "a": 2, "b": 3, "ab": 4, "<0x41>": 5, "c": 7}, "merges": [["a", "b"]]}}
        """;

    private static string Word() => """
        {"type": "word-level", "lower_case": true, "special_tokens": ["<pad>", "<unk>", "<bos>", "<eos>", "[MASK]"],
         "vocab": ["<pad>", "<unk>", "<bos>", "<eos>", "[MASK]", "the", "cat", ".", "sat"]}
        """;

    private static string WithSplitPattern(string regex)
    {
        JsonNode json = JsonNode.Parse(Bpe())!;
        json["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = regex }, ["behavior"] = "Isolated", ["invert"] = false,
        };
        return json.ToJsonString();
    }

    /// <summary>The UTF-8 of <paramref name="json"/> with the first <paramref name="find"/> replaced by raw bytes.</summary>
    private static byte[] Bytes(string json, string find, byte[] replacement)
    {
        int at = json.IndexOf(find, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), find);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. replacement, .. Encoding.UTF8.GetBytes(json[(at + find.Length)..])];
    }

    private string WriteFile(string name, byte[] bytes)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void AssertBpeRefused(string json, string problem) => AssertBpeRefused(Encoding.UTF8.GetBytes(json), problem);

    private void AssertBpeRefused(byte[] bytes, string problem)
    {
        string path = WriteFile("tokenizer.json", bytes);
        var error = AssertRefusedQuickly(() => BpeTokenizer.Load(path));
        Assert.That(error.FilePath, Is.EqualTo(path));
        Assert.That(error.Message, Does.Contain(problem));
    }

    private void AssertWordRefused(string json, string problem) => AssertWordRefused(Encoding.UTF8.GetBytes(json), problem);

    private void AssertWordRefused(byte[] bytes, string problem)
    {
        string path = WriteFile("word.json", bytes);
        var error = AssertRefusedQuickly(() => WordTokenizer.Load(path));
        Assert.That(error.Message, Does.Contain(problem));
    }

    private static TokenizerFormatException AssertRefusedQuickly(Func<ITokenizer> load)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<TokenizerFormatException>(() => load());
        watch.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "refused within a second");
        Assert.That(allocated, Is.LessThan(MaxAllocatedBytes), "allocated on the loading thread");
        return error!;
    }
}
