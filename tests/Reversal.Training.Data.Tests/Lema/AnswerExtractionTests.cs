using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Tests.Lema;

public class AnswerExtractionTests
{
    [TestCase("She makes 9 * 2 = $18 every day. The answer is 18.", "18")]
    [TestCase("The answer is $1,234.", "1234")]
    [TestCase("The answer is 1,000,000.", "1000000")]
    [TestCase("The answer is -5.", "-5")]
    [TestCase("The answer is 2.5.", "2.5")]
    [TestCase("The answer is $0.75.  \n", "0.75")]
    [TestCase("First I thought The answer is 3. But no. The answer is 7.", "7")]
    [TestCase("Step 4: The answer is 16.\n}", "16")]
    [TestCase("The answer is 42", "42")]
    [TestCase("The answer is 12..", "12")]
    public void Gsm8kFinalAnswer_takes_the_last_answer_and_cleans_it(string rationale, string expected)
        => Assert.That(AnswerExtraction.Gsm8kFinalAnswer(rationale), Is.EqualTo(expected));

    [TestCase("He has 5 apples.")]
    [TestCase("the answer is 5.")]
    [TestCase("The answer is .")]
    [TestCase("The answer is $")]
    [TestCase("")]
    public void Gsm8kFinalAnswer_is_null_without_an_answer(string rationale)
        => Assert.That(AnswerExtraction.Gsm8kFinalAnswer(rationale), Is.Null);

    [TestCase("Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72", "72")]
    [TestCase("x\n#### 1,000", "1000")]
    [TestCase("x\n#### -3", "-3")]
    [TestCase("#### 2.5\n", "2.5")]
    public void ReferenceAnswer_reads_the_number_after_the_marker(string answer, string expected)
        => Assert.That(AnswerExtraction.ReferenceAnswer(answer), Is.EqualTo(expected));

    [TestCase("no marker here")]
    [TestCase("text\n####   ")]
    public void ReferenceAnswer_rejects_a_missing_answer(string answer)
        => Assert.Throws<FormatException>(() => AnswerExtraction.ReferenceAnswer(answer));

    [TestCase("18", "18.0", true)]
    [TestCase("18", "18", true)]
    [TestCase("-3", "-3.00", true)]
    [TestCase("1,000", "1000", true)]
    [TestCase(" 7 ", "7", true)]
    [TestCase("0.5", ".5", true)]
    [TestCase("18", "19", false)]
    [TestCase("18", "-18", false)]
    [TestCase("abc", "abc", true)]
    [TestCase("abc", "18", false)]
    public void AnswersMatch_compares_numerically(string a, string b, bool expected)
        => Assert.That(AnswerExtraction.AnswersMatch(a, b), Is.EqualTo(expected));

    [Test]
    public void AnswersMatch_never_matches_null()
    {
        Assert.That(AnswerExtraction.AnswersMatch(null, "1"), Is.False);
        Assert.That(AnswerExtraction.AnswersMatch("1", null), Is.False);
        Assert.That(AnswerExtraction.AnswersMatch(null, null), Is.False);
    }

    [TestCase(@"So the result is \boxed{5}.", "5")]
    [TestCase(@"\boxed{\frac{1}{2}}", @"\frac{1}{2}")]
    [TestCase(@"First \boxed{1}, finally \boxed{\sqrt{\frac{a}{b}} + {c}}.", @"\sqrt{\frac{a}{b}} + {c}")]
    [TestCase(@"\boxed{}", "")]
    public void MathBoxedAnswer_reads_the_last_box_with_balanced_braces(string solution, string expected)
        => Assert.That(AnswerExtraction.MathBoxedAnswer(solution), Is.EqualTo(expected));

    [TestCase("no box")]
    [TestCase(@"\boxed{\frac{1}{2}")]
    public void MathBoxedAnswer_is_null_without_a_closed_box(string solution)
        => Assert.That(AnswerExtraction.MathBoxedAnswer(solution), Is.Null);

    [TestCase(" $x + 1$ ", "x+1")]
    [TestCase("$$3$$", "3")]
    [TestCase(@"\left( 1, 2 \right)", "(1,2)")]
    [TestCase(@"10\!000", "10000")]
    [TestCase(@"x \rightarrow y", @"x\rightarrowy")]
    [TestCase(@"\frac{1}{2}", @"\frac{1}{2}")]
    public void NormalizeMathAnswer_keeps_its_documented_results(string answer, string expected)
        => Assert.That(AnswerExtraction.NormalizeMathAnswer(answer), Is.EqualTo(expected));

    [Test]
    public void MathAnswersMatch_uses_the_normalised_forms()
    {
        Assert.That(AnswerExtraction.MathAnswersMatch(@"\left(1,2\right)", "$(1, 2)$"), Is.True);
        Assert.That(AnswerExtraction.MathAnswersMatch("1/2", @"\frac{1}{2}"), Is.True);
        Assert.That(AnswerExtraction.MathAnswersMatch("1/3", @"\frac{1}{2}"), Is.False);
        Assert.That(AnswerExtraction.MathAnswersMatch(null, "1"), Is.False);
    }
}
