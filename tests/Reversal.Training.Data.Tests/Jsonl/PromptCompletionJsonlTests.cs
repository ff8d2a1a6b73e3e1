using System.Text;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.Tests.Jsonl;

public class PromptCompletionJsonlTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string WriteRaw(string content, string name = "train.jsonl")
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(content));
        return path;
    }

    [Test]
    public void Write_then_Read_round_trips_every_character()
    {
        PromptCompletion[] rows =
        [
            new("Daphne Barrington, known far and wide for being", " the director of \"A Journey Through Time.\"."),
            new("Zoë’s café: 東京 😀", " back\\slash\ttab\nnewline \u0001 <html> & 'quotes'"),
            new("", ""),
        ];
        string path = _temp.File("rows.jsonl");

        PromptCompletionJsonl.Write(path, rows);

        Assert.That(PromptCompletionJsonl.Read(path), Is.EqualTo(rows));
    }

    [Test]
    public void Write_uses_one_object_a_line_utf8_without_bom_and_lf_line_ends()
    {
        string path = _temp.File("rows.jsonl");

        PromptCompletionJsonl.Write(path, [new("Who is \"X\"?", " Zoë"), new("a", " b")]);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan().StartsWith("\uFEFF"u8), Is.False);
        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo(
            "{\"prompt\": \"Who is \\\"X\\\"?\", \"completion\": \" Zoë\"}\n" +
            "{\"prompt\": \"a\", \"completion\": \" b\"}\n"));
    }

    [Test]
    public void Write_that_fails_midway_leaves_the_previous_file_intact()
    {
        string path = WriteRaw("{\"prompt\": \"old\", \"completion\": \" row\"}\n");

        static IEnumerable<PromptCompletion> Failing()
        {
            yield return new PromptCompletion("new", " row");
            throw new IOException("source went away");
        }

        Assert.Throws<IOException>(() => PromptCompletionJsonl.Write(path, Failing()));
        Assert.Throws<ArgumentException>(() => PromptCompletionJsonl.Write(path, [new("new", " row"), null!]));

        Assert.That(PromptCompletionJsonl.Read(path), Is.EqualTo(new[] { new PromptCompletion("old", " row") }));
        Assert.That(Directory.GetFiles(_temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Read_skips_blank_lines_ignores_extra_fields_and_accepts_crlf_and_bom()
    {
        string path = WriteRaw(
            "\uFEFF{\"prompt\": \"a\", \"completion\": \" b\", \"id\": 7}\r\n" +
            "\r\n   \n" +
            "{\"completion\": \" d\", \"meta\": {\"x\": [1]}, \"prompt\": \"c\"}");

        IReadOnlyList<PromptCompletion> rows = PromptCompletionJsonl.Read(path);

        Assert.That(rows, Is.EqualTo(new[] { new PromptCompletion("a", " b"), new PromptCompletion("c", " d") }));
    }

    [TestCase("{\"prompt\": \"p\"}", 3, "'completion' is missing")]
    [TestCase("{\"completion\": \" c\"}", 3, "'prompt' is missing")]
    [TestCase("{\"prompt\": 5, \"completion\": \" c\"}", 3, "'prompt' must be a string, found Number")]
    [TestCase("{\"prompt\": \"p\", \"completion\": null}", 3, "'completion' must be a string, found Null")]
    [TestCase("{\"prompt\": \"p\", \"completion\": [\"c\"]}", 3, "'completion' must be a string, found Array")]
    [TestCase("[\"p\", \"c\"]", 3, "the content is a JSON array, not an object at column 1")]
    [TestCase("  \"just a string\"", 3, "the content is a JSON string, not an object at column 3")]
    [TestCase("{\"prompt\": \"p\", \"completion\": \" c\"", 3, "not valid JSON (")]
    [TestCase("{\"prompt\": \"p\"} {\"completion\": \"c\"}", 3, "not valid JSON (")]
    [TestCase("{\"prompt\": \"p\", \"prompt\": \"q\", \"completion\": \" c\"}", 3, "the key 'prompt' appears more than once at column 17")]
    [TestCase("{\"prompt\": \"\\ud800\", \"completion\": \" c\"}", 3, "a string escapes an invalid UTF-16 sequence (a lone surrogate such as \\ud800) at column 12")]
    public void Read_reports_the_file_line_and_problem(string badLine, int expectedLine, string problem)
    {
        string path = WriteRaw("{\"prompt\": \"a\", \"completion\": \" b\"}\n\n" + badLine + "\n{\"prompt\": \"a\", \"completion\": \" b\"}\n");

        var ex = Assert.Throws<JsonlFormatException>(() => PromptCompletionJsonl.Read(path));

        Assert.That(ex, Is.InstanceOf<FormatException>());
        Assert.That(ex!.FilePath, Is.EqualTo(path));
        Assert.That(ex.LineNumber, Is.EqualTo(expectedLine));
        Assert.That(ex.Message, Does.StartWith($"{path} line {expectedLine}: {problem}"));
    }

    [Test]
    public void Read_reports_invalid_utf8_with_its_line_and_column()
    {
        string path = _temp.File("bad.jsonl");
        byte[] good = Encoding.UTF8.GetBytes("{\"prompt\": \"a\", \"completion\": \" b\"}\n");
        byte[] bad = [.. "{\"prompt\": \"a"u8, 0xC3, 0x28, .. "\", \"completion\": \" b\"}\n"u8];
        File.WriteAllBytes(path, [.. good, .. bad]);

        var ex = Assert.Throws<JsonlFormatException>(() => PromptCompletionJsonl.Read(path));

        Assert.That(ex!.LineNumber, Is.EqualTo(2));
        Assert.That(ex.Message, Is.EqualTo($"{path} line 2: not valid UTF-8 (byte 0xC3 does not start a valid sequence) at column 14"));
    }

    [TestCase("")]
    [TestCase("\n\n  \r\n")]
    public void Read_of_a_file_without_records_throws(string content)
    {
        string path = WriteRaw(content);

        var ex = Assert.Throws<JsonlFormatException>(() => PromptCompletionJsonl.Read(path));

        Assert.That(ex!.LineNumber, Is.Null);
        Assert.That(ex.Message, Is.EqualTo($"{path} contains no records"));
    }

    [Test]
    public void Read_of_a_missing_file_throws_FileNotFoundException_naming_it()
    {
        string path = _temp.File("missing.jsonl");

        var ex = Assert.Throws<FileNotFoundException>(() => PromptCompletionJsonl.Read(path));

        Assert.That(ex!.FileName, Is.EqualTo(path));
        Assert.That(ex.Message, Does.Contain(path));
    }

    [Test]
    public void Messages_keep_the_path_as_the_caller_wrote_it()
    {
        var ex = new JsonlFormatException("data/train.jsonl", 17, "'completion' is missing");

        Assert.That(ex.Message, Is.EqualTo("data/train.jsonl line 17: 'completion' is missing"));
    }

    [Test]
    public void PromptCompletion_rejects_null_fields()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new PromptCompletion(null!, " c"));
        Assert.Throws<ArgumentNullException>(() => _ = new PromptCompletion("p", null!));
    }

    [Test]
    public void Reads_the_real_Berglund_training_file_and_rewrites_it_byte_for_byte()
    {
        string? directory = SharedData.BerglundDirectory();
        string? path = directory is null ? null : Path.Combine(directory, "all_prompts_train.jsonl");
        if (path is null || !File.Exists(path))
            Assert.Ignore("The Berglund reversal-curse data (../shared/data/reversal_curse) is absent.");

        IReadOnlyList<PromptCompletion> rows = PromptCompletionJsonl.Read(path);

        Assert.That(rows, Has.Count.EqualTo(3600));
        Assert.That(rows.All(r => r.Completion.StartsWith(' ')), Is.True);
        Assert.That(rows[0].Prompt, Is.EqualTo("Daphne Barrington, known far and wide for being"));

        string copy = _temp.File("copy.jsonl");
        PromptCompletionJsonl.Write(copy, rows);
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(path)));
    }
}
