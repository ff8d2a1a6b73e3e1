using System.Text;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Tests.Lema;

public class Gsm8kReaderTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Write(string content)
    {
        string path = _temp.File("gsm8k.jsonl");
        File.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(content));
        return path;
    }

    [Test]
    public void Reads_problems_skipping_blank_lines()
    {
        string path = Write("\uFEFF{\"question\": \"Q1\", \"answer\": \"a\\n#### 1\"}\r\n\n{\"question\": \"Q2\", \"answer\": \"#### 2\", \"x\": 1}\n");
        Assert.That(Gsm8kReader.Read(path), Is.EqualTo(new[] { new Gsm8kProblem("Q1", "a\n#### 1"), new Gsm8kProblem("Q2", "#### 2") }));
    }

    [TestCase("{\"question\": \"Q\", \"answer\": \"#### 1\"}\n{\"question\": \"Q\", \"answer\": \"no marker\"}", 2, "####")]
    [TestCase("{\"question\": \"Q\"}", 1, "'answer' is missing")]
    [TestCase("{\"answer\": \"#### 1\"}", 1, "'question' is missing")]
    [TestCase("\n{\"question\": 3, \"answer\": \"#### 1\"}", 2, "'question' must be a string")]
    [TestCase("{not json", 1, "not valid JSON")]
    [TestCase("[1]", 1, "the content is a JSON array, not an object")]
    public void Errors_name_the_file_and_the_line(string content, int line, string problem)
    {
        string path = Write(content);
        var ex = Assert.Throws<JsonlFormatException>(() => Gsm8kReader.Read(path));
        Assert.That(ex!.LineNumber, Is.EqualTo(line));
        Assert.That(ex.Message, Does.Contain(path).And.Contain($"line {line}").And.Contain(problem));
    }

    [Test]
    public void An_empty_file_is_an_error()
    {
        string path = Write("\n\n");
        var ex = Assert.Throws<JsonlFormatException>(() => Gsm8kReader.Read(path));
        Assert.That(ex!.Message, Does.Contain("contains no records"));
    }

    [Test]
    public void A_missing_file_is_reported()
        => Assert.Throws<FileNotFoundException>(() => Gsm8kReader.Read(_temp.File("absent.jsonl")));

    [Test]
    public void Real_test_set_extracts_and_converts_every_answer()
    {
        string? path = SharedData.Find("gsm8k/test.jsonl");
        if (path is null) Assert.Ignore("gsm8k/test.jsonl absent");
        IReadOnlyList<Gsm8kProblem> problems = Gsm8kReader.Read(path!);
        Assert.That(problems, Has.Count.EqualTo(1319));
        for (int i = 0; i < problems.Count; i++)
        {
            string reference = AnswerExtraction.ReferenceAnswer(problems[i].Answer);
            Assert.That(decimal.TryParse(reference, System.Globalization.NumberStyles.Number,
                System.Globalization.CultureInfo.InvariantCulture, out _), Is.True, $"problem {i + 1}: '{reference}'");
            string rationale = LemaPrompts.Gsm8kRationale(problems[i].Answer);
            Assert.That(rationale, Does.Not.Contain("<<").And.Not.Contain("####"), $"problem {i + 1}");
            Assert.That(AnswerExtraction.AnswersMatch(AnswerExtraction.Gsm8kFinalAnswer(rationale), reference), Is.True, $"problem {i + 1}");
        }
    }
}
