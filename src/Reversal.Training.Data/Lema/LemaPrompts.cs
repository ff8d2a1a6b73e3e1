using System.Globalization;
using System.Text.RegularExpressions;
using Reversal.Training.Data.Jsonl;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// The LEMA fine-tuning texts (An et al., arXiv 2310.20689): chain-of-thought (CoT) rows and correction rows.
/// </summary>
/// <remarks>
/// Spacing, chosen and fixed here: the CoT input ends with a newline and its output is the bare rationale. The
/// correction input ends with <c>Incorrect Step:</c> (no trailing space) and its output starts with a space:
/// <c>" Step k. Explanation: {e} Correct Solution: {c}"</c>, the three parts joined by single spaces on one line as
/// in RESEARCH.md section 4 (the few-shot corrector prompt <c>prompt_correction_gsm8k.txt</c> puts each label on
/// its own line and wraps solutions in braces; <see cref="CorrectionParser"/> reads both layouts, and the
/// fine-tuning rows always use the single-line one). The original solution follows <c>Original Solution: </c>
/// verbatim, without braces.
/// </remarks>
public static partial class LemaPrompts
{
    /// <summary>The instruction that opens every CoT input.</summary>
    public const string CotInstruction = "Please solve the following math problem.";

    /// <summary>The instruction that opens every correction input.</summary>
    public const string CorrectionInstruction =
        "For the following math problem, the original solution is incorrect. Please identify the incorrect step, "
        + "explain why it is incorrect, and correct the original solution starting from the incorrect step.";

    /// <summary>
    /// The CoT input: <c>Please solve the following math problem.\nQuestion: {q}\nAnswer: Let's think step by step.\n</c>.
    /// </summary>
    /// <param name="question">The word problem.</param>
    /// <returns>The prompt text.</returns>
    public static string CotInput(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return $"{CotInstruction}\nQuestion: {question}\nAnswer: Let's think step by step.\n";
    }

    /// <summary>A CoT training row for a GSM8K problem: <see cref="CotInput"/> of its question, completed by
    /// <see cref="Gsm8kRationale"/> of its reference solution.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>The row.</returns>
    /// <exception cref="FormatException">The reference solution has no <c>#### N</c>.</exception>
    public static PromptCompletion CotRow(Gsm8kProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new PromptCompletion(CotInput(problem.Question), Gsm8kRationale(problem.Answer));
    }

    /// <summary>
    /// Converts a GSM8K reference solution into a CoT rationale: removes every calculator note
    /// <c>&lt;&lt;...&gt;&gt;</c>, drops the <c>#### N</c> line and blank lines, trims each line's trailing
    /// whitespace, keeps the remaining lines (joined by <c>\n</c>) and appends a last line <c>The answer is N.</c>
    /// with N from <see cref="AnswerExtraction.ReferenceAnswer"/>.
    /// </summary>
    /// <param name="gsm8kAnswer">A GSM8K reference solution.</param>
    /// <returns>The rationale.</returns>
    /// <exception cref="FormatException">There is no <c>#### N</c>.</exception>
    public static string Gsm8kRationale(string gsm8kAnswer)
    {
        ArgumentNullException.ThrowIfNull(gsm8kAnswer);
        string answer = AnswerExtraction.ReferenceAnswer(gsm8kAnswer);
        string withoutNotes = CalculatorNoteRegex().Replace(gsm8kAnswer, "");
        var lines = new List<string>();
        foreach (string raw in withoutNotes.Split('\n'))
        {
            string line = raw.TrimEnd();
            if (line.Length == 0 || line.TrimStart().StartsWith(AnswerExtraction.ReferenceMarker, StringComparison.Ordinal)) continue;
            lines.Add(line);
        }
        lines.Add($"{AnswerExtraction.AnswerPhrase}{answer}.");
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The steps of a rationale, as <see cref="NumberSteps"/> numbers them, without their <c>Step k:</c> labels: a
    /// rationale that starts with <c>Step 1</c> is cut before every <c>Step k:</c> label (on one line or many);
    /// otherwise each non-blank line is a step, and a single-line rationale is split into sentences after <c>.</c>,
    /// <c>!</c> or <c>?</c> followed by whitespace and an upper-case letter. Steps are trimmed; empty ones are dropped.
    /// </summary>
    /// <param name="rationale">A reasoning path.</param>
    /// <returns>The steps in order (none for a blank text).</returns>
    public static IReadOnlyList<string> SplitSteps(string rationale)
    {
        ArgumentNullException.ThrowIfNull(rationale);
        string trimmed = rationale.Trim();
        if (AlreadyNumberedRegex().IsMatch(trimmed))
            return StepLabelRegex().Split(trimmed).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        var steps = trimmed.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (steps.Count == 1) steps = SentenceBreakRegex().Split(steps[0]).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        return steps;
    }

    /// <summary>
    /// Numbers the steps of a rationale as the corrector expects them (<c>Step 1: ...\nStep 2: ...</c>). A rationale
    /// that already starts with <c>Step 1</c> is returned trimmed. Otherwise the steps are those of
    /// <see cref="SplitSteps"/>, one a line.
    /// </summary>
    /// <param name="rationale">A reasoning path.</param>
    /// <returns>The numbered steps, one a line.</returns>
    public static string NumberSteps(string rationale)
    {
        ArgumentNullException.ThrowIfNull(rationale);
        string trimmed = rationale.Trim();
        if (AlreadyNumberedRegex().IsMatch(trimmed)) return trimmed;
        var steps = SplitSteps(trimmed);
        return string.Join('\n', steps.Select((s, i) => $"Step {(i + 1).ToString(CultureInfo.InvariantCulture)}: {s}"));
    }

    /// <summary>
    /// The correction input: <c>{CorrectionInstruction}\nQuestion: {q}\nOriginal Solution: {wrong}\nIncorrect Step:</c>.
    /// </summary>
    /// <param name="question">The word problem.</param>
    /// <param name="originalSolution">The wrong solution, e.g. from <see cref="NumberSteps"/>; inserted verbatim.</param>
    /// <returns>The prompt text.</returns>
    public static string CorrectionInput(string question, string originalSolution)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(originalSolution);
        return $"{CorrectionInstruction}\nQuestion: {question}\nOriginal Solution: {originalSolution}\nIncorrect Step:";
    }

    /// <summary>The correction output: <c>" Step {k}. Explanation: {e} Correct Solution: {c}"</c> (leading space).</summary>
    /// <param name="correction">The correction.</param>
    /// <returns>The completion text.</returns>
    public static string CorrectionOutput(Correction correction)
    {
        ArgumentNullException.ThrowIfNull(correction);
        return $" Step {correction.IncorrectStep.ToString(CultureInfo.InvariantCulture)}. "
            + $"{CorrectionParser.ExplanationLabel} {correction.Explanation} "
            + $"{CorrectionParser.CorrectSolutionLabel} {correction.CorrectedSolution}";
    }

    [GeneratedRegex(@"<<[^<>]*>>", RegexOptions.CultureInvariant)]
    private static partial Regex CalculatorNoteRegex();

    [GeneratedRegex(@"^Step\s*1\b", RegexOptions.CultureInvariant)]
    private static partial Regex AlreadyNumberedRegex();

    [GeneratedRegex(@"\bStep\s*\d+\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex StepLabelRegex();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreakRegex();
}
