using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Lema;

public class MathAnswerNormalizerTests
{
    [TestCase(@"\frac12", @"\frac{1}{2}")]
    [TestCase(@"\dfrac{1}{2}", @"\frac{1}{2}")]
    [TestCase(@"\tfrac34", @"\frac{3}{4}")]
    [TestCase(@"\frac1{72}", @"\frac{1}{72}")]
    [TestCase(@"\frac{a}b", @"\frac{a}{b}")]
    [TestCase("3/4", @"\frac{3}{4}")]
    [TestCase("-3/4", @"\frac{-3}{4}")]
    [TestCase(@"\sqrt3", @"\sqrt{3}")]
    [TestCase(@"2\sqrt{3}", @"2\sqrt{3}")]
    [TestCase(" 1 , 2 ", "1,2")]
    [TestCase(@"10\!000", "10000")]
    [TestCase(@"1\,000", "1000")]
    [TestCase(@"5\text{ cm}", "5")]
    [TestCase(@"12\mbox{ inches}", "12")]
    [TestCase(@"\text{(A)}", "(A)")]
    [TestCase(@"90^\circ", "90")]
    [TestCase(@"90^{\circ}", "90")]
    [TestCase(@"50\%", "50")]
    [TestCase(@"\$4.50", "4.50")]
    [TestCase("x = 5", "5")]
    [TestCase("k=-2", "-2")]
    [TestCase(".5", "0.5")]
    [TestCase(@"\frac{.5}{2}", @"\frac{0.5}{2}")]
    [TestCase(@"\left( 1, 2 \right)", "(1,2)")]
    [TestCase(@"x \rightarrow y", @"x\rightarrowy")]
    [TestCase("$$3$$", "3")]
    [TestCase("x+y=3", "x+y=3")]
    public void Normalize_rewrites_equal_answers_to_one_form(string answer, string expected)
        => Assert.That(MathAnswerNormalizer.Normalize(answer), Is.EqualTo(expected));

    [Test]
    public void Answers_match_after_normalisation_or_as_equal_numbers()
    {
        Assert.That(MathAnswerNormalizer.AnswersMatch(@"\dfrac{1}{2}", "1/2"), Is.True);
        Assert.That(MathAnswerNormalizer.AnswersMatch("18.0", "18"), Is.True);
        Assert.That(MathAnswerNormalizer.AnswersMatch(@"5\text{ meters}", "5"), Is.True);
        Assert.That(MathAnswerNormalizer.AnswersMatch("5", "6"), Is.False);
        Assert.That(MathAnswerNormalizer.AnswersMatch(null, "6"), Is.False);
    }

    [Test]
    public void Math_final_answers_come_from_the_answer_sentence_or_the_last_box()
    {
        Assert.That(AnswerExtraction.MathFinalAnswer(@"So $x = \boxed{\frac{1}{2}}$."), Is.EqualTo(@"\frac{1}{2}"));
        Assert.That(AnswerExtraction.MathFinalAnswer(@"Step 8: The answer is \frac{1}{2}."), Is.EqualTo(@"\frac{1}{2}"));
        Assert.That(AnswerExtraction.MathFinalAnswer(@"The answer is $\boxed{5}$."), Is.EqualTo("5"));
        Assert.That(AnswerExtraction.MathFinalAnswer("no answer"), Is.Null);
        Assert.That(AnswerExtraction.FinalAnswer(@"\boxed{3}", AnswerFormat.Math), Is.EqualTo("3"));
        Assert.That(AnswerExtraction.FinalAnswer("The answer is 3.", AnswerFormat.Gsm8k), Is.EqualTo("3"));
        Assert.That(AnswerExtraction.Matches(@"\frac{6}{4}", "3/2", AnswerFormat.Math), Is.False, "no algebra: only forms are normalised");
    }

    [Test]
    public void A_math_problem_takes_its_answer_from_the_last_box()
    {
        var problem = ReasoningProblem.FromMath("What is half of one?", @"Half of one is $\boxed{\dfrac{1}{2}}$.");
        Assert.That(problem.Answer, Is.EqualTo(@"\dfrac{1}{2}"));
        Assert.That(problem.Rationale, Is.EqualTo("Half of one is $\\boxed{\\dfrac{1}{2}}$.\nThe answer is \\dfrac{1}{2}."));
        Assert.That(problem.IsAnsweredBy(@"The answer is \frac12."), Is.True);
        Assert.That(problem.IsAnsweredBy("It is 0.4"), Is.False);
        Assert.Throws<FormatException>(() => ReasoningProblem.FromMath("q", "no box"));
    }
}
