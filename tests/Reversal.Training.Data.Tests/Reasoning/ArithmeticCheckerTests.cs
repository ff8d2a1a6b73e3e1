using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Reasoning;

public class ArithmeticCheckerTests
{
    [Test]
    public void Hand_solved_problems_have_the_texts_and_values_worked_out_by_hand()
    {
        var mia = HandSolved.Mia();
        Assert.That(mia.Question, Is.EqualTo(HandSolved.MiaQuestion));
        Assert.That(mia.Rationale, Is.EqualTo(HandSolved.MiaRationale));
        Assert.That(mia.Answer, Is.EqualTo("18"));
        Assert.That(mia.Signature, Is.EqualTo("7+5-3*2"));
        var tom = HandSolved.Tom();
        Assert.That(tom.Question, Is.EqualTo("Tom has 24 coins. He puts them into 4 equal piles and keeps one pile. He gets 9 more. How many coins does Tom have now?"));
        Assert.That(tom.RationaleSteps, Is.EqualTo(new[]
        {
            "Tom starts with 24 coins.",
            "He keeps one of 4 equal piles, so he has 24 / 4 = 6 coins.",
            "He gets 9 more, so he has 6 + 9 = 15 coins.",
            "The answer is 15.",
        }));
    }

    [Test]
    public void The_reference_rationale_is_right_in_every_layout()
    {
        var mia = HandSolved.Mia();
        Assert.That(ArithmeticChecker.Check(mia, HandSolved.MiaRationale), Is.EqualTo(new ArithmeticCheck(5, null, null)));
        string oneLine = HandSolved.MiaRationale.Replace('\n', ' ');
        Assert.That(ArithmeticChecker.Check(mia, oneLine).IsCorrect, Is.True, "decoded by a word tokenizer: one line");
        string numbered = Reversal.Training.Data.Lema.LemaPrompts.NumberSteps(HandSolved.MiaRationale).Replace('\n', ' ');
        Assert.That(ArithmeticChecker.Check(mia, numbered).IsCorrect, Is.True, "numbered, on one line");
        Assert.That(ArithmeticChecker.Check(mia, HandSolved.MiaRationale.Replace("9 * 2", "9 x 2")).IsCorrect, Is.True, "x for times");
    }

    [TestCase("She gets 5 more, so she has 7 + 5 = 13 marbles.", 2, "7 + 5 = 12, not 13")]
    [TestCase("She gets 5 more, so she has 7 + 6 = 13 marbles.", 2, "the number is 5, not 6")]
    [TestCase("She gets 5 more, so she has 7 - 5 = 2 marbles.", 2, "is an addition, so it is 7 + 5 = 12, not 7 - 5")]
    [TestCase("She gets 5 more, so she has 8 + 5 = 13 marbles.", 2, "continue from the start value, 7, not from 8")]
    [TestCase("She gets 5 more marbles.", 2, "should calculate 7 + 5 = 12")]
    public void The_first_wrong_step_is_found_in_the_first_calculation(string wrongLine, int step, string explanation)
    {
        string path = HandSolved.MiaRationale.Replace("She gets 5 more, so she has 7 + 5 = 12 marbles.", wrongLine);
        var check = ArithmeticChecker.Check(HandSolved.Mia(), path);
        Assert.That(check.FirstWrongStep, Is.EqualTo(step));
        Assert.That(check.Explanation, Does.Contain(explanation));
    }

    [Test]
    public void A_wrong_later_step_after_right_ones_is_found()
    {
        string path = "Mia starts with 7 marbles.\nShe gets 5 more, so she has 7 + 5 = 12 marbles.\n"
                      + "She gives away 3, so she has 12 - 3 = 8 marbles.\nShe then has 2 times as many, so she has 8 * 2 = 16 marbles.\nThe answer is 16.";
        var check = ArithmeticChecker.Check(HandSolved.Mia(), path);
        Assert.That(check.FirstWrongStep, Is.EqualTo(3), "steps 4 and 5 are consistent with the wrong 8, but step 3 is the first wrong one");
        Assert.That(check.Explanation, Does.Contain("12 - 3 = 9, not 8"));
        string carried = path.Replace("12 - 3 = 8", "12 - 3 = 9");
        Assert.That(ArithmeticChecker.Check(HandSolved.Mia(), carried).FirstWrongStep, Is.EqualTo(4), "step 4 starts from 8, not from the previous 9");
    }

    [Test]
    public void Start_answer_missing_and_extra_steps_are_checked()
    {
        var mia = HandSolved.Mia();
        Assert.That(ArithmeticChecker.Check(mia, HandSolved.MiaRationale.Replace("starts with 7", "starts with 8")).FirstWrongStep, Is.EqualTo(1));
        var answer = ArithmeticChecker.Check(mia, HandSolved.MiaRationale.Replace("The answer is 18.", "The answer is 19."));
        Assert.That((answer.FirstWrongStep, answer.Explanation), Is.EqualTo((5, (string?)"The last value is 18, so the answer is 18, not 19.")));
        var early = ArithmeticChecker.Check(mia, "Mia starts with 7 marbles.\nShe gets 5 more, so she has 7 + 5 = 12 marbles.\nThe answer is 12.");
        Assert.That(early.FirstWrongStep, Is.EqualTo(3));
        var stops = ArithmeticChecker.Check(mia, "Mia starts with 7 marbles.");
        Assert.That((stops.StepCount, stops.FirstWrongStep), Is.EqualTo((1, (int?)2)));
        var extra = ArithmeticChecker.Check(mia, HandSolved.MiaRationale + "\nThe answer is 20.");
        Assert.That(extra.FirstWrongStep, Is.EqualTo(6));
        Assert.That(ArithmeticChecker.Check(mia, "").FirstWrongStep, Is.EqualTo(1));
    }
}
