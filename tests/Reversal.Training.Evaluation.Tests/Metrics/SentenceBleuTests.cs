using Reversal.Training.Evaluation.Metrics;

namespace Reversal.Training.Evaluation.Tests.Metrics;

/// <summary>Sentence BLEU against values computed by hand from the definition (counts worked out in the comments).</summary>
public class SentenceBleuTests
{
    private static string[] W(string text) => text.Split(' ');

    // hypothesis "the cat sat on the mat", reference "the cat is on the mat": c = r = 6, BP = 1.
    // clipped matches / hypothesis n-grams: 1-grams 5/6 (all but "sat"), 2-grams 3/5 ("the cat", "on the", "the mat"),
    // 3-grams 1/4 ("on the mat"), 4-grams 0/3.
    private const string Hypothesis = "the cat sat on the mat", Reference = "the cat is on the mat";

    [Test]
    public void Without_smoothing_a_sentence_missing_every_4_gram_scores_zero() =>
        Assert.That(SentenceBleu.Score(W(Hypothesis), W(Reference)), Is.EqualTo(0.0));

    [Test]
    public void Add_one_smoothing_adds_one_to_the_matches_and_counts_of_orders_two_to_four()
    {
        // p1 = 5/6, p2 = 4/6, p3 = 2/5, p4 = 1/4: BLEU = (5/6 · 4/6 · 2/5 · 1/4)^(1/4) = (1/18)^(1/4) = 0.485492...
        double expected = Math.Pow(5.0 / 6 * 4.0 / 6 * 2.0 / 5 * 1.0 / 4, 0.25);
        Assert.That(expected, Is.EqualTo(0.485492).Within(1e-6));
        Assert.That(SentenceBleu.Score(W(Hypothesis), W(Reference), BleuSmoothing.AddOne), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void Exponential_smoothing_gives_the_first_order_without_matches_one_over_twice_its_count()
    {
        // p4 = 1 / (2^1 · 3): BLEU = (5/6 · 3/5 · 1/4 · 1/6)^(1/4) = (1/48)^(1/4) = 0.379918...
        double expected = Math.Pow(5.0 / 6 * 3.0 / 5 * 1.0 / 4 * 1.0 / 6, 0.25);
        Assert.That(expected, Is.EqualTo(0.379918).Within(1e-6));
        Assert.That(SentenceBleu.Score(W(Hypothesis), W(Reference), BleuSmoothing.Exponential), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void The_brevity_penalty_is_exp_of_one_minus_reference_over_hypothesis_length()
    {
        // "the cat" vs the 6-word reference, BLEU-2: p1 = 2/2, p2 = 1/1, BP = exp(1 − 6/2) = exp(−2) = 0.135335...
        Assert.That(SentenceBleu.Score(W("the cat"), W(Reference), maxOrder: 2), Is.EqualTo(Math.Exp(-2)).Within(1e-12));
        // A longer hypothesis than the reference is not penalised: "the cat is on the mat today", BLEU-2:
        // p1 = 6/7, p2 = 5/6, BP = 1.
        Assert.That(SentenceBleu.Score(W("the cat is on the mat today"), W(Reference), maxOrder: 2),
            Is.EqualTo(Math.Sqrt(6.0 / 7 * 5.0 / 6)).Within(1e-12));
    }

    [Test]
    public void Clipping_counts_a_repeated_word_at_most_as_often_as_the_reference_has_it()
    {
        // "the the the the" vs "the cat": unigram matches min(4, 1) = 1 of 4; BLEU-1 = 1/4 (BP = 1 since 4 > 2).
        Assert.That(SentenceBleu.Score(W("the the the the"), W("the cat"), maxOrder: 1), Is.EqualTo(0.25).Within(1e-12));
    }

    [Test]
    public void Character_units_count_character_n_grams_as_the_bico_code_does()
    {
        // "abcd" vs "abce": 1-grams 3/4, 2-grams 2/3 ("ab", "bc"), 3-grams 1/2 ("abc"), 4-grams 0/1.
        // Unsmoothed 0; add-one: p2 = 3/4, p3 = 2/3, p4 = 1/2, BLEU = (3/4 · 3/4 · 2/3 · 1/2)^(1/4) = 0.658037...
        Assert.That(SentenceBleu.Score("abcd", "abce", BleuUnit.Characters), Is.EqualTo(0.0));
        Assert.That(SentenceBleu.Score("abcd", "abce", BleuUnit.Characters, BleuSmoothing.AddOne),
            Is.EqualTo(Math.Pow(0.75 * 0.75 * 2.0 / 3 * 0.5, 0.25)).Within(1e-12));
        Assert.That(SentenceBleu.Split("a b", BleuUnit.Characters), Is.EqualTo(new[] { "a", " ", "b" }));
        Assert.That(SentenceBleu.Split(" a  b ", BleuUnit.Words), Is.EqualTo(new[] { "a", "b" }));
    }

    [TestCase(BleuSmoothing.None)]
    [TestCase(BleuSmoothing.AddOne)]
    [TestCase(BleuSmoothing.Exponential)]
    public void Identical_sentences_score_one_and_disjoint_or_empty_ones_zero_whatever_the_smoothing(BleuSmoothing smoothing)
    {
        Assert.That(SentenceBleu.Score(W("a b c d e"), W("a b c d e"), smoothing), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(SentenceBleu.Score(W("x y z w"), W("a b c d"), smoothing), Is.EqualTo(0.0));
        Assert.That(SentenceBleu.Score([], W("a b c d"), smoothing), Is.EqualTo(0.0));
    }

    [Test]
    public void Invalid_arguments_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => SentenceBleu.Score(null!, W("a")));
            Assert.Throws<ArgumentNullException>(() => SentenceBleu.Score(W("a"), null!));
            Assert.Throws<ArgumentOutOfRangeException>(() => SentenceBleu.Score(W("a"), W("a"), maxOrder: 0));
        });
    }
}
