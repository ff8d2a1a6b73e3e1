using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// A problem with a verifiable final answer, as the LEMA pipeline and the reasoning evaluator see it: the question, a
/// reference rationale that ends with the answer sentence, and the reference answer.
/// </summary>
/// <remarks>
/// Built from GSM8K with <see cref="FromGsm8k"/>, from MATH with <see cref="FromMath"/>, or by a generator such as
/// <see cref="ArithmeticTaskGenerator"/> (whose <see cref="ArithmeticProblem"/> derives from this type and also
/// knows every intermediate value).
/// </remarks>
public record ReasoningProblem
{
    /// <summary>Creates a problem.</summary>
    /// <param name="question">The question (not empty).</param>
    /// <param name="rationale">The reference rationale (not empty), ending with the answer sentence.</param>
    /// <param name="answer">The reference final answer (not empty).</param>
    /// <param name="format">How answers are extracted and compared.</param>
    /// <exception cref="ArgumentException">A text is null, empty or whitespace, or the format is unknown.</exception>
    public ReasoningProblem(string question, string rationale, string answer, AnswerFormat format = AnswerFormat.Gsm8k)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        ArgumentException.ThrowIfNullOrWhiteSpace(rationale);
        ArgumentException.ThrowIfNullOrWhiteSpace(answer);
        if (!Enum.IsDefined(format)) throw new ArgumentException($"Unknown answer format {(int)format}.", nameof(format));
        Question = question;
        Rationale = rationale;
        Answer = answer;
        Format = format;
    }

    /// <summary>The question.</summary>
    public string Question { get; }

    /// <summary>The reference rationale, ending with the answer sentence (the CoT training target).</summary>
    public string Rationale { get; }

    /// <summary>The reference final answer.</summary>
    public string Answer { get; }

    /// <summary>How answers are extracted and compared.</summary>
    public AnswerFormat Format { get; }

    /// <summary>Whether <paramref name="solution"/> ends with the reference answer, in this problem's format.</summary>
    /// <param name="solution">A model's rationale or a corrected solution.</param>
    public bool IsAnsweredBy(string solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        return AnswerExtraction.Matches(AnswerExtraction.FinalAnswer(solution, Format), Answer, Format);
    }

    /// <summary>
    /// A GSM8K problem: the rationale is <see cref="LemaPrompts.Gsm8kRationale"/> of its reference solution (calculator
    /// notes removed, ending <c>The answer is N.</c>) and the answer its <c>#### N</c>.
    /// </summary>
    /// <exception cref="FormatException">The reference solution has no <c>#### N</c>.</exception>
    public static ReasoningProblem FromGsm8k(Gsm8kProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ReasoningProblem(problem.Question, LemaPrompts.Gsm8kRationale(problem.Answer),
            AnswerExtraction.ReferenceAnswer(problem.Answer), AnswerFormat.Gsm8k);
    }

    /// <summary>
    /// A MATH problem: the rationale is the reference solution followed by <c>The answer is {a}.</c> (as in LEMA's MATH
    /// data), where a is the content of the solution's last <c>\boxed{...}</c>.
    /// </summary>
    /// <exception cref="FormatException">The solution has no closed <c>\boxed{...}</c>.</exception>
    public static ReasoningProblem FromMath(string problem, string solution)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        ArgumentException.ThrowIfNullOrWhiteSpace(solution);
        string answer = AnswerExtraction.MathBoxedAnswer(solution)
            ?? throw new FormatException("The MATH solution has no closed '\\boxed{...}'.");
        if (answer.Trim().Length == 0) throw new FormatException("The MATH solution's last '\\boxed{}' is empty.");
        return new ReasoningProblem(problem, $"{solution.TrimEnd()}\n{AnswerExtraction.AnswerPhrase}{answer}.", answer, AnswerFormat.Math);
    }
}
