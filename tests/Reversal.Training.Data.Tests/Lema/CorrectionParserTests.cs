using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Tests.Lema;

public class CorrectionParserTests
{
    [Test]
    public void Parses_the_labelled_form()
    {
        Correction c = CorrectionParser.Parse("Incorrect Step: Step 2.\nExplanation: She has $16 left.\nCorrect Solution: Step 2: 200 - 16 = 184.\nStep 3: The answer is 41.");
        Assert.That(c, Is.EqualTo(new Correction(2, "She has $16 left.", "Step 2: 200 - 16 = 184.\nStep 3: The answer is 41.")));
    }

    [Test]
    public void Parses_the_continuation_form()
    {
        Correction c = CorrectionParser.Parse(" Step 12. Explanation: Wrong. Correct Solution: The answer is 5.");
        Assert.That(c, Is.EqualTo(new Correction(12, "Wrong.", "The answer is 5.")));
    }

    [Test]
    public void Parses_the_few_shot_layout_with_braces_and_stops_at_the_next_example()
    {
        const string output = "Incorrect Step: Step 3.\nExplanation: It forgets the days.\nCorrect Solution:\n{\n...\nStep 3: 12 + 4 = 16.\nStep 4: The answer is 16.\n}\n\nQuestion: another one";
        Correction c = CorrectionParser.Parse(output);
        Assert.That(c.IncorrectStep, Is.EqualTo(3));
        Assert.That(c.Explanation, Is.EqualTo("It forgets the days."));
        Assert.That(c.CorrectedSolution, Is.EqualTo("...\nStep 3: 12 + 4 = 16.\nStep 4: The answer is 16."));
    }

    [Test]
    public void Stops_an_unbraced_solution_at_a_next_question()
    {
        Correction c = CorrectionParser.Parse("Step 1: Explanation: e\nCorrect Solution: The answer is 2.\n\nQuestion: next");
        Assert.That(c.CorrectedSolution, Is.EqualTo("The answer is 2."));
    }

    [TestCase("Explanation: e Correct Solution: s", "incorrect step")]
    [TestCase("Incorrect Step: Step two. Explanation: e Correct Solution: s", "incorrect step")]
    [TestCase("Incorrect Step: Step 0. Explanation: e Correct Solution: s", "positive")]
    [TestCase("Incorrect Step: Step 2. Correct Solution: s", "'Explanation:'")]
    [TestCase("Incorrect Step: Step 2. Explanation: e", "'Correct Solution:'")]
    [TestCase("Incorrect Step: Step 2. Explanation:   Correct Solution: s", "explanation is empty")]
    [TestCase("Incorrect Step: Step 2. Explanation: e Correct Solution:  ", "corrected solution is empty")]
    [TestCase("Incorrect Step: Step 2. Explanation: e Correct Solution: { Step 2", "never closes")]
    [TestCase("", "incorrect step")]
    public void Malformed_output_names_what_is_missing(string output, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CorrectionParser.Parse(output));
        Assert.That(ex!.Message, Does.Contain(expected));
    }
}
