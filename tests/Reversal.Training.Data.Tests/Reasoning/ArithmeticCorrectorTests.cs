using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Reasoning;

public class ArithmeticCorrectorTests
{
    [Test]
    public void A_wrong_calculation_gets_a_correction_in_the_papers_layout()
    {
        string path = HandSolved.MiaRationale.Replace("12 - 3 = 9", "12 - 3 = 8").Replace("9 * 2 = 18", "8 * 2 = 16").Replace("is 18.", "is 16.");
        string reply = ArithmeticCorrector.Correct(HandSolved.Mia(), path);
        Assert.That(reply, Is.EqualTo(
            "Incorrect Step: Step 3.\n"
            + "Explanation: The calculation is wrong: 12 - 3 = 9, not 8.\n"
            + "Correct Solution:\n{\n...\n"
            + "Step 3: She gives away 3, so she has 12 - 3 = 9 marbles.\n"
            + "Step 4: She then has 2 times as many, so she has 9 * 2 = 18 marbles.\n"
            + "Step 5: The answer is 18.\n}"));
        var correction = CorrectionParser.Parse(reply);
        Assert.That(correction.IncorrectStep, Is.EqualTo(3));
        Assert.That(AnswerExtraction.Gsm8kFinalAnswer(correction.CorrectedSolution), Is.EqualTo("18"));
    }

    [Test]
    public void A_mistake_in_step_one_has_no_ellipsis()
    {
        string reply = ArithmeticCorrector.Correct(HandSolved.Tom(), "Tom starts with 42 coins. He keeps one of 4 equal piles, so he has 42 / 4 = 10 coins. The answer is 10.");
        Assert.That(reply, Does.StartWith("Incorrect Step: Step 1.\nExplanation: The question says Tom starts with 24 coins, not 42.\nCorrect Solution:\n{\nStep 1: Tom starts with 24 coins.\n"));
        Assert.That(reply, Does.Not.Contain("..."));
    }

    [Test]
    public async Task The_corrector_role_corrects_requests_and_refuses_other_problems()
    {
        var corrector = new ArithmeticCorrector();
        string reply = await corrector.CorrectAsync(new CorrectionRequest(HandSolved.Mia(), HandSolved.MiaRationale.Replace("7 + 5 = 12", "7 + 5 = 11")));
        Assert.That(reply, Does.StartWith("Incorrect Step: Step 2."));
        string right = await corrector.CorrectAsync(new CorrectionRequest(HandSolved.Mia(), HandSolved.MiaRationale));
        Assert.That(CorrectionParser.TryParse(right, out _, out var failure, out _), Is.False);
        Assert.That(failure, Is.EqualTo(CorrectionParseFailure.NoStepMarker), "a right path gets no correction");
        var other = new ReasoningProblem("q", "r. The answer is 1.", "1");
        Assert.That(async () => await corrector.CorrectAsync(new CorrectionRequest(other, "x")), Throws.ArgumentException);
    }
}
