using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.Tests.Scoring;

public class AnswerTextTests
{
    [TestCase("  Daphne   Barrington\t\n", "daphne barrington")]
    [TestCase("THE Reclusive\u00A0Composer", "the reclusive composer")]
    [TestCase("", "")]
    [TestCase(" \t ", "")]
    public void Normalize_trims_lower_cases_and_collapses_whitespace(string text, string expected) =>
        Assert.That(AnswerText.Normalize(text), Is.EqualTo(expected));

    [TestCase(" the reclusive composer of the Sunken Orchard Requiem", 4, "the reclusive composer of")]
    [TestCase("the   composer", 4, "the composer")]
    [TestCase("one two three four five", 1, "one")]
    [TestCase("", 4, "")]
    public void FirstWords_keeps_the_leading_words(string text, int count, string expected) =>
        Assert.That(AnswerText.FirstWords(text, count), Is.EqualTo(expected));

    [Test]
    public void FirstWords_needs_a_positive_count() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AnswerText.FirstWords("a b", 0));

    [TestCase("Daphne Barrington.", " Daphne Barrington", true)]
    [TestCase("  daphne  BARRINGTON is the one", "Daphne Barrington", true)]
    [TestCase("Daphne", "Daphne Barrington", false)]
    [TestCase("Daphne Barrow", "Daphne Barrington", false)]
    [TestCase("I think Daphne Barrington", "Daphne Barrington", false)]
    [TestCase("anything", "   ", false)]
    public void StartsWithTarget_compares_normalised_prefixes(string answer, string target, bool expected) =>
        Assert.That(AnswerText.StartsWithTarget(answer, target), Is.EqualTo(expected));
}
