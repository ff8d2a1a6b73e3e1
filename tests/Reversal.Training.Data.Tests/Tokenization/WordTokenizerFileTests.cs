using System.Text.Json;
using Reversal.Training.Data.Tokenization;

namespace Reversal.Training.Data.Tests.Tokenization;

public class WordTokenizerFileTests
{
    private const string ValidVocab = "\"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"], " +
                                      "\"vocab\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\", \"a\"]";

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static WordTokenizer Sample(bool lowerCase = false) => WordTokenizer.Fit(
        ["Daphne Barrington is the director of \"A Journey Through Time.\".", "Who is Zoë’s friend? [MASK] knows."],
        new WordTokenizerOptions { LowerCase = lowerCase, AdditionalSpecialTokens = ["[MASK]", "[sop]", "[eop]"] });

    [TestCase(false)]
    [TestCase(true)]
    public void Save_then_Load_gives_an_identical_tokenizer(bool lowerCase)
    {
        WordTokenizer original = Sample(lowerCase);
        string path = _temp.File("tokenizer.json");

        original.Save(path);
        WordTokenizer loaded = WordTokenizer.Load(path);

        Assert.That(loaded.Vocabulary, Is.EqualTo(original.Vocabulary));
        Assert.That(loaded.LowerCase, Is.EqualTo(lowerCase));
        Assert.That(loaded.AdditionalSpecialTokens, Is.EqualTo(original.AdditionalSpecialTokens));
        Assert.That(loaded.SpecialTokens, Is.EqualTo(original.SpecialTokens));
        foreach (string text in new[] { "Who is Daphne Barrington?", "the [MASK] of \"A Journey\" unknown", "ZOË’S" })
            Assert.That(loaded.Encode(text, addBos: true, addEos: true), Is.EqualTo(original.Encode(text, addBos: true, addEos: true)));
    }

    [Test]
    public void Save_writes_the_documented_json_shape()
    {
        WordTokenizer tokenizer = Sample();
        string path = _temp.File("tokenizer.json");

        tokenizer.Save(path);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = json.RootElement;
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("word-level"));
        Assert.That(root.GetProperty("lower_case").GetBoolean(), Is.False);
        Assert.That(root.GetProperty("special_tokens").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "<pad>", "<unk>", "<bos>", "<eos>", "[MASK]", "[sop]", "[eop]" }));
        Assert.That(root.GetProperty("vocab").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(tokenizer.Vocabulary));
    }

    [Test]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, "old content");

        Sample().Save(path);

        Assert.That(WordTokenizer.Load(path).Vocabulary, Is.EqualTo(Sample().Vocabulary));
        Assert.That(Directory.GetFiles(_temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Save_creates_missing_folders()
    {
        string path = Path.Combine(_temp.Path, "a", "b", "tokenizer.json");

        Sample().Save(path);

        Assert.That(File.Exists(path), Is.True);
    }

    [Test]
    public void Save_refuses_a_read_only_target_and_leaves_it_intact()
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, "previous");
        File.SetAttributes(path, FileAttributes.ReadOnly);

        Assert.Throws<UnauthorizedAccessException>(() => Sample().Save(path));

        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        Assert.That(Directory.GetFiles(_temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Save_to_an_invalid_path_throws_and_writes_nothing()
    {
        Assert.Throws<ArgumentException>(() => Sample().Save(_temp.File("bad\0name.json")));
        Assert.Throws<ArgumentException>(() => Sample().Save(" "));

        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty);
    }

    [Test]
    public void Save_onto_a_folder_throws_and_leaves_the_folder_intact()
    {
        string folder = _temp.File("tokenizer.json");
        Directory.CreateDirectory(folder);

        Assert.Throws<IOException>(() => Sample().Save(folder));

        Assert.That(Directory.Exists(folder), Is.True);
        Assert.That(Directory.GetFiles(_temp.Path), Is.Empty);
    }

    [Test]
    public void Save_into_an_unwritable_folder_throws_and_leaves_the_previous_file_intact()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("POSIX permissions test.");
            return;
        }
        string folder = Path.Combine(_temp.Path, "locked");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "tokenizer.json");
        File.WriteAllText(path, "previous");
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (CanCreateFileIn(folder)) Assert.Ignore("This user can write to read-only folders (e.g. root).");

            Assert.Throws<UnauthorizedAccessException>(() => Sample().Save(path));

            Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool CanCreateFileIn(string folder)
    {
        string probe = Path.Combine(folder, ".probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Test]
    public void Load_of_a_missing_file_throws_FileNotFoundException_naming_it()
    {
        string path = _temp.File("nope.json");

        var ex = Assert.Throws<FileNotFoundException>(() => WordTokenizer.Load(path));

        Assert.That(ex!.FileName, Is.EqualTo(path));
        Assert.That(ex.Message, Does.Contain(path));
    }

    [TestCase("{not json", "not valid JSON")]
    [TestCase("", "not valid JSON")]
    [TestCase("[1, 2]", "root must be a JSON object, found Array")]
    [TestCase("{\"lower_case\": false, " + ValidVocab + "}", "'type' is missing")]
    [TestCase("{\"type\": 3, \"lower_case\": false, " + ValidVocab + "}", "'type' must be a string, found Number")]
    [TestCase("{\"type\": \"bpe\", \"lower_case\": false, " + ValidVocab + "}", "'type' is \"bpe\", expected \"word-level\"")]
    [TestCase("{\"type\": \"word-level\", " + ValidVocab + "}", "'lower_case' is missing")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": \"no\", " + ValidVocab + "}", "'lower_case' must be true or false, found String")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"vocab\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"]}",
        "'special_tokens' is missing")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"]}",
        "'vocab' is missing")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"], " +
              "\"vocab\": {}}", "'vocab' must be an array of strings, found Object")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"], " +
              "\"vocab\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\", 7]}", "'vocab'[4] must be a string, found Number")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"], " +
              "\"vocab\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\", \"a\", \"b\", \"a\"]}",
        "'vocab' holds the token \"a\" twice (ids 4 and 6)")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<unk>\", \"<bos>\", \"<eos>\"], " +
              "\"vocab\": [\"<unk>\", \"<bos>\", \"<eos>\", \"a\"]}", "found \"<unk>\" where <pad> belongs")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\"], " +
              "\"vocab\": [\"<pad>\", \"<unk>\", \"<bos>\", \"a\"]}", "<eos> is missing")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<bos>\", \"<unk>\", \"<eos>\"], " +
              "\"vocab\": [\"<pad>\", \"<bos>\", \"<unk>\", \"<eos>\"]}", "found \"<bos>\" where <unk> belongs")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\"], " +
              "\"vocab\": [\"<pad>\", \"<unk>\", \"<eos>\", \"<bos>\"]}", "special token \"<bos>\" must have id 2 in 'vocab' but is at id 3")]
    [TestCase("{\"type\": \"word-level\", \"lower_case\": false, \"special_tokens\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\", \"[MASK]\"], " +
              "\"vocab\": [\"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\", \"a\"]}", "special token \"[MASK]\" must have id 4 in 'vocab' but is missing")]
    [TestCase("{\"type\": \"word-level\", \"type\": \"word-level\", \"lower_case\": false, " + ValidVocab + "}", "the key 'type' appears more than once")]
    public void Load_rejects_an_invalid_file_naming_it_and_the_problem(string content, string problem)
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<TokenizerFormatException>(() => WordTokenizer.Load(path));

        Assert.That(ex, Is.InstanceOf<FormatException>());
        Assert.That(ex!.FilePath, Is.EqualTo(path));
        Assert.That(ex.Message, Does.StartWith(path + ": "));
        Assert.That(ex.Message, Does.Contain(problem));
    }

    [Test]
    public void Load_accepts_a_minimal_hand_written_file()
    {
        string path = _temp.File("tokenizer.json");
        File.WriteAllText(path, "{\"type\": \"word-level\", \"lower_case\": false, " + ValidVocab + "}");

        WordTokenizer tokenizer = WordTokenizer.Load(path);

        Assert.That(tokenizer.Encode("a b"), Is.EqualTo(new[] { 4, 1 }));
    }
}
