namespace Reversal.Training.Data.Reasoning;

/// <summary>How a reasoning problem's final answer is written, extracted and compared.</summary>
public enum AnswerFormat
{
    /// <summary>
    /// GSM8K: a rationale ends with <c>The answer is N.</c>; answers are compared as numbers
    /// (<see cref="Lema.AnswerExtraction.Gsm8kFinalAnswer"/>, <see cref="Lema.AnswerExtraction.AnswersMatch"/>).
    /// </summary>
    Gsm8k,

    /// <summary>
    /// MATH: the answer is the text after the last <c>The answer is</c> or, without one, the last <c>\boxed{...}</c>;
    /// answers are compared as normalised strings (<see cref="Lema.MathAnswerNormalizer"/>).
    /// </summary>
    Math,
}
