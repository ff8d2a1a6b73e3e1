using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Parses a corrector's output, as produced from <c>prompt_correction_gsm8k.txt</c> or in the fine-tuning format
/// of <see cref="LemaPrompts.CorrectionOutput"/>, into a <see cref="Correction"/>.
/// </summary>
public static partial class CorrectionParser
{
    /// <summary>The label that introduces the incorrect step.</summary>
    public const string IncorrectStepLabel = "Incorrect Step:";

    /// <summary>The label that introduces the explanation.</summary>
    public const string ExplanationLabel = "Explanation:";

    /// <summary>The label that introduces the corrected solution.</summary>
    public const string CorrectSolutionLabel = "Correct Solution:";

    /// <summary>
    /// Parses <c>Incorrect Step: Step k.\nExplanation: ...\nCorrect Solution: ...</c>. The leading
    /// <c>Incorrect Step:</c> may be absent (the output of a prompt that already ended with it starts at
    /// <c> Step k.</c>). Labels are matched case-insensitively and may be separated by any whitespace. The
    /// explanation is the trimmed text between the labels. The corrected solution is the trimmed text after
    /// <c>Correct Solution:</c>; when it starts with <c>{</c> (the few-shot prompt's layout) it is the trimmed content
    /// up to the matching <c>}</c>, otherwise it ends before a following line starting with <c>Question:</c> (a
    /// corrector that runs on into a next few-shot example).
    /// </summary>
    /// <param name="correctorOutput">The corrector's text.</param>
    /// <returns>The parsed correction.</returns>
    /// <exception cref="FormatException">The step number, the explanation or the corrected solution is missing or
    /// empty; the message says which.</exception>
    public static Correction Parse(string correctorOutput)
    {
        ArgumentNullException.ThrowIfNull(correctorOutput);
        return TryParse(correctorOutput, out Correction? correction, out _, out string? message)
            ? correction
            : throw new FormatException(message);
    }

    /// <summary>
    /// Parses like <see cref="Parse"/> but reports a malformed output instead of throwing: a corrector reply is
    /// model output, and a malformed one is data to count, not an error.
    /// </summary>
    /// <param name="correctorOutput">The corrector's text.</param>
    /// <param name="correction">The correction, when the output parsed.</param>
    /// <param name="failure">What was missing, when it did not (<see cref="CorrectionParseFailure.None"/> otherwise).</param>
    /// <param name="message">The same as a sentence, when it did not.</param>
    /// <returns>Whether the output parsed.</returns>
    public static bool TryParse(string correctorOutput, [NotNullWhen(true)] out Correction? correction,
        out CorrectionParseFailure failure, out string? message)
    {
        ArgumentNullException.ThrowIfNull(correctorOutput);
        correction = null;
        string text = correctorOutput;
        int labelAt = text.IndexOf(IncorrectStepLabel, StringComparison.OrdinalIgnoreCase);
        if (labelAt >= 0) text = text[(labelAt + IncorrectStepLabel.Length)..];
        text = text.TrimStart();

        Match step = StepRegex().Match(text);
        if (!step.Success)
            return Fail(CorrectionParseFailure.NoStepMarker, "The corrector output has no incorrect step ('Step k.' after 'Incorrect Step:').", out failure, out message);
        if (!int.TryParse(step.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int stepNumber) || stepNumber < 1)
            return Fail(CorrectionParseFailure.NoStepMarker, $"The incorrect step number '{step.Groups[1].Value}' is not a positive integer.", out failure, out message);
        text = text[step.Length..];

        int explanationAt = text.IndexOf(ExplanationLabel, StringComparison.OrdinalIgnoreCase);
        if (explanationAt < 0) return Fail(CorrectionParseFailure.NoExplanation, "The corrector output has no 'Explanation:'.", out failure, out message);
        text = text[(explanationAt + ExplanationLabel.Length)..];

        int solutionAt = text.IndexOf(CorrectSolutionLabel, StringComparison.OrdinalIgnoreCase);
        if (solutionAt < 0) return Fail(CorrectionParseFailure.NoCorrectedSolution, "The corrector output has no 'Correct Solution:'.", out failure, out message);
        string explanation = text[..solutionAt].Trim();
        if (explanation.Length == 0) return Fail(CorrectionParseFailure.NoExplanation, "The corrector output's explanation is empty.", out failure, out message);

        string? solution = ExtractSolution(text[(solutionAt + CorrectSolutionLabel.Length)..].Trim());
        if (solution is null)
            return Fail(CorrectionParseFailure.NoCorrectedSolution, "The corrector output's corrected solution opens '{' but never closes it.", out failure, out message);
        if (solution.Length == 0) return Fail(CorrectionParseFailure.NoCorrectedSolution, "The corrector output's corrected solution is empty.", out failure, out message);
        correction = new Correction(stepNumber, explanation, solution);
        failure = CorrectionParseFailure.None;
        message = null;
        return true;
    }

    private static bool Fail(CorrectionParseFailure kind, string text, out CorrectionParseFailure failure, out string? message)
    {
        failure = kind;
        message = text;
        return false;
    }

    private static string? ExtractSolution(string text)
    {
        if (text.StartsWith('{'))
        {
            int depth = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return text[1..i].Trim();
            }
            return null;
        }

        Match next = NextQuestionRegex().Match(text);
        return (next.Success ? text[..next.Index] : text).Trim();
    }

    [GeneratedRegex(@"^Step\s*(\d+)\s*[.:]?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StepRegex();

    [GeneratedRegex(@"\n\s*Question:", RegexOptions.CultureInvariant)]
    private static partial Regex NextQuestionRegex();
}
