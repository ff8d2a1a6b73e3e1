using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Tests.Lema;

public class LemaPromptsTests
{
    [Test]
    public void CotInput_is_the_exact_text()
        => Assert.That(LemaPrompts.CotInput("What is 2+2?"),
            Is.EqualTo("Please solve the following math problem.\nQuestion: What is 2+2?\nAnswer: Let's think step by step.\n"));

    [Test]
    public void CotInput_matches_the_lema_test_file()
    {
        string? path = SharedData.Find("lema/gsm8k_test.jsonl");
        string? gsm8k = SharedData.Find("gsm8k/test.jsonl");
        if (path is null || gsm8k is null) Assert.Ignore("lema/gsm8k_test.jsonl or gsm8k/test.jsonl absent");
        var lema = Reversal.Training.Data.Jsonl.PromptCompletionJsonl.Read(path!);
        var problems = Gsm8kReader.Read(gsm8k!);
        Assert.That(lema, Has.Count.EqualTo(problems.Count));
        for (int i = 0; i < problems.Count; i++)
            Assert.That(CollapseSpaces(LemaPrompts.CotInput(problems[i].Question)), Is.EqualTo(CollapseSpaces(lema[i].Prompt)), $"row {i + 1}");
    }

    // The LEMA copy of the test set collapses runs of spaces inside some questions; the template itself is compared exactly.
    private static string CollapseSpaces(string text) => System.Text.RegularExpressions.Regex.Replace(text, " {2,}", " ");

    [Test]
    public void CorrectionInput_is_the_exact_text()
        => Assert.That(LemaPrompts.CorrectionInput("Q?", "Step 1: a.\nStep 2: The answer is 3."),
            Is.EqualTo("For the following math problem, the original solution is incorrect. Please identify the incorrect step, "
                + "explain why it is incorrect, and correct the original solution starting from the incorrect step.\n"
                + "Question: Q?\nOriginal Solution: Step 1: a.\nStep 2: The answer is 3.\nIncorrect Step:"));

    [Test]
    public void CorrectionOutput_is_the_exact_text()
        => Assert.That(LemaPrompts.CorrectionOutput(new Correction(2, "It subtracts.", "Step 2: 1 + 2 = 3.\nStep 3: The answer is 3.")),
            Is.EqualTo(" Step 2. Explanation: It subtracts. Correct Solution: Step 2: 1 + 2 = 3.\nStep 3: The answer is 3."));

    [Test]
    public void CorrectionOutput_parses_back()
    {
        var correction = new Correction(3, "Wrong sum.", "Step 3: 4 + 4 = 8.\nStep 4: The answer is 8.");
        Assert.That(CorrectionParser.Parse(LemaPrompts.CorrectionOutput(correction)), Is.EqualTo(correction));
    }

    [Test]
    public void Gsm8kRationale_drops_notes_and_the_marker_line()
        => Assert.That(LemaPrompts.Gsm8kRationale("Half is 48/2 = <<48/2=24>>24.\nTotal 48+24 = <<48+24=72>>72 clips.\n#### 72"),
            Is.EqualTo("Half is 48/2 = 24.\nTotal 48+24 = 72 clips.\nThe answer is 72."));

    [Test]
    public void Gsm8kRationale_strips_commas_from_the_final_number()
        => Assert.That(LemaPrompts.Gsm8kRationale("It costs $1,200.\n#### 1,200"), Is.EqualTo("It costs $1,200.\nThe answer is 1200."));

    [Test]
    public void Gsm8kRationale_of_the_first_real_training_problem()
    {
        string? path = SharedData.Find("gsm8k/train.jsonl");
        if (path is null) Assert.Ignore("gsm8k/train.jsonl absent");
        Gsm8kProblem first = Gsm8kReader.Read(path!)[0];
        Assert.That(first.Answer, Does.Contain("<<48/2=24>>"));
        Assert.That(LemaPrompts.Gsm8kRationale(first.Answer), Is.EqualTo(
            "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.\nThe answer is 72."));
    }

    [Test]
    public void CotRow_pairs_input_and_rationale()
    {
        var row = LemaPrompts.CotRow(new Gsm8kProblem("Q?", "1+1 = <<1+1=2>>2\n#### 2"));
        Assert.That(row.Prompt, Is.EqualTo(LemaPrompts.CotInput("Q?")));
        Assert.That(row.Completion, Is.EqualTo("1+1 = 2\nThe answer is 2."));
    }

    [Test]
    public void NumberSteps_numbers_lines_or_sentences()
    {
        Assert.That(LemaPrompts.NumberSteps("a = 1\n\nb = 2\nThe answer is 2.\n"),
            Is.EqualTo("Step 1: a = 1\nStep 2: b = 2\nStep 3: The answer is 2."));
        Assert.That(LemaPrompts.NumberSteps("She eats 3.5 eggs. She sells 9. The answer is 18."),
            Is.EqualTo("Step 1: She eats 3.5 eggs.\nStep 2: She sells 9.\nStep 3: The answer is 18."));
        Assert.That(LemaPrompts.NumberSteps(" Step 1: x.\nStep 2: The answer is 1. "), Is.EqualTo("Step 1: x.\nStep 2: The answer is 1."));
    }

    [Test]
    public void SplitSteps_cuts_lines_sentences_or_step_labels_as_NumberSteps_numbers_them()
    {
        Assert.That(LemaPrompts.SplitSteps("a = 1\n\nb = 2\nThe answer is 2.\n"), Is.EqualTo(new[] { "a = 1", "b = 2", "The answer is 2." }));
        Assert.That(LemaPrompts.SplitSteps("She eats 3.5 eggs. She sells 9. The answer is 18."), Is.EqualTo(new[] { "She eats 3.5 eggs.", "She sells 9.", "The answer is 18." }));
        Assert.That(LemaPrompts.SplitSteps("Step 1: x. Step 2: The answer is 1."), Is.EqualTo(new[] { "x.", "The answer is 1." }));
        Assert.That(LemaPrompts.SplitSteps("Step 1: x.\nStep 2: y = 3\nmore\nStep 3: The answer is 3."), Is.EqualTo(new[] { "x.", "y = 3\nmore", "The answer is 3." }));
        Assert.That(LemaPrompts.SplitSteps("  "), Is.Empty);
    }
}
