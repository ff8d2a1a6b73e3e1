using System.Text.Json;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Tests.Lema;

public class LemaPipelineTests
{
    private static readonly Gsm8kProblem[] s_problems =
    [
        new("Q0: 2+2?", "2+2 = <<2+2=4>>4\n#### 4"),
        new("Q1: 10*10?", "10*10 = <<10*10=100>>100\n#### 100"),
        new("Q2: 1000+1000?", "1000+1000 = <<1000+1000=2000>>2000\n#### 2,000"),
        new("Q3: 7-8?", "7-8 = <<7-8=-1>>-1\n#### -1"),
    ];

    // Q0: one right path, one right with "$" and ".0" formatting -> nothing to correct.
    // Q1: a wrong path corrected right (kept), a path without answer corrected right (kept), a wrong path corrected
    //     still wrong (dropped).
    // Q2: a right path with commas, a wrong path whose correction is unparsable (dropped).
    // Q3: no paths at all.
    private static IReadOnlyList<string> Sample(string question) => question switch
    {
        "Q0: 2+2?" => ["2 plus 2 is 4. The answer is 4.", "The answer is $4.0."],
        "Q1: 10*10?" => ["10 times 10 is 1000. The answer is 1000.", "10*10 is a hundred, I think.", "It is 10+10 = 20.\nThe answer is 20."],
        "Q2: 1000+1000?" => ["The answer is 2,000.", "1000+1000 = 3000. The answer is 3000."],
        _ => [],
    };

    private readonly List<string> _correctionPrompts = [];

    [SetUp]
    public void SetUp() => _correctionPrompts.Clear();

    private string Correct(string prompt)
    {
        _correctionPrompts.Add(prompt);
        if (prompt.Contains("10 times 10 is 1000.")) return " Step 1. Explanation: 10 times 10 is 100. Correct Solution: Step 1: 10 times 10 is 100.\nStep 2: The answer is 100.";
        if (prompt.Contains("a hundred")) return "Incorrect Step: Step 1.\nExplanation: No number given.\nCorrect Solution:\n{\nStep 1: 10*10 = 100.\nStep 2: The answer is $100.\n}";
        if (prompt.Contains("= 20.")) return " Step 1. Explanation: Adds instead. Correct Solution: Step 1: 10*10 = 99. The answer is 99.";
        if (prompt.Contains("= 3000.")) return "I cannot find the mistake.";
        throw new AssertionException("unexpected correction prompt: " + prompt);
    }

    private LemaDataset BuildDataset() => new LemaPipeline(Sample, Correct).Build(s_problems);

    [Test]
    public void Statistics_are_exact()
    {
        LemaDataset data = BuildDataset();
        Assert.That(data.Statistics, Is.EqualTo(new LemaStatistics(
            Problems: 4, SampledPaths: 7, WrongPaths: 4, CorrectionsKept: 2, CorrectionsDroppedUnparsable: 1, CorrectionsDroppedStillWrong: 1)));
        Assert.That(data.Statistics.RightPaths, Is.EqualTo(3));
        Assert.That(data.ProblemsWithCorrections, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void Right_paths_are_never_sent_to_the_corrector()
    {
        BuildDataset();
        Assert.That(_correctionPrompts, Has.Count.EqualTo(4));
        Assert.That(_correctionPrompts, Has.None.Contains("2 plus 2").And.None.Contains("The answer is 2,000."));
        Assert.That(_correctionPrompts, Has.All.StartWith(LemaPrompts.CorrectionInstruction).And.All.EndWith("\nIncorrect Step:"));
    }

    [Test]
    public void Cot_rows_come_from_the_reference_answers()
    {
        LemaDataset data = BuildDataset();
        Assert.That(data.CotRows, Is.EqualTo(s_problems.Select(LemaPrompts.CotRow).ToArray()));
        Assert.That(data.CotRows[2].Completion, Is.EqualTo("1000+1000 = 2000\nThe answer is 2000."));
    }

    [Test]
    public void Kept_corrections_hold_the_wrong_solution_only_in_the_prompt()
    {
        LemaDataset data = BuildDataset();
        Assert.That(data.CorrectionRows, Has.Count.EqualTo(2));
        PromptCompletion first = data.CorrectionRows[0];
        Assert.That(first.Prompt, Is.EqualTo(LemaPrompts.CorrectionInput("Q1: 10*10?",
            "Step 1: 10 times 10 is 1000.\nStep 2: The answer is 1000.")));
        Assert.That(first.Completion, Is.EqualTo(" Step 1. Explanation: 10 times 10 is 100. Correct Solution: Step 1: 10 times 10 is 100.\nStep 2: The answer is 100."));
        PromptCompletion second = data.CorrectionRows[1];
        Assert.That(second.Prompt, Does.Contain("Original Solution: Step 1: 10*10 is a hundred, I think.\nIncorrect Step:"));
        Assert.That(second.Completion, Is.EqualTo(" Step 1. Explanation: No number given. Correct Solution: Step 1: 10*10 = 100.\nStep 2: The answer is $100."));
        foreach (PromptCompletion row in data.CorrectionRows)
            Assert.That(row.Completion, Does.Not.Contain("1000").And.Not.Contain("a hundred"));
    }

    [Test]
    public void WriteTo_writes_the_three_files()
    {
        LemaDataset data = BuildDataset();
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Path, "out");
        data.WriteTo(dir);
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(dir, LemaDataset.CotFileName)), Is.EqualTo(data.CotRows));
        Assert.That(PromptCompletionJsonl.Read(Path.Combine(dir, LemaDataset.CorrectionsFileName)), Is.EqualTo(data.CorrectionRows));
        using JsonDocument stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, LemaDataset.StatisticsFileName)));
        JsonElement root = stats.RootElement;
        Assert.That(root.GetProperty("problems").GetInt32(), Is.EqualTo(4));
        Assert.That(root.GetProperty("sampledPaths").GetInt32(), Is.EqualTo(7));
        Assert.That(root.GetProperty("rightPaths").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("wrongPaths").GetInt32(), Is.EqualTo(4));
        Assert.That(root.GetProperty("correctionsKept").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("correctionsDroppedUnparsable").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("correctionsDroppedStillWrong").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("problemsWithCorrections").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 1 }));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "cot.jsonl", "corrections.jsonl", "statistics.json" }));
    }

    [Test]
    public void A_null_callback_result_is_reported()
    {
        var pipeline = new LemaPipeline(_ => null!, _ => "");
        Assert.Throws<InvalidOperationException>(() => pipeline.Build(s_problems));
    }

    [Test]
    public void Null_callbacks_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new LemaPipeline(null!, _ => ""));
        Assert.Throws<ArgumentNullException>(() => new LemaPipeline(_ => [], null!));
    }
}
