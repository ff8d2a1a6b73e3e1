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
        string text = correctorOutput;
        int labelAt = text.IndexOf(IncorrectStepLabel, StringComparison.OrdinalIgnoreCase);
        if (labelAt >= 0) text = text[(labelAt + IncorrectStepLabel.Length)..];
        text = text.TrimStart();

        Match step = StepRegex().Match(text);
        if (!step.Success)
            throw new FormatException("The corrector output has no incorrect step ('Step k.' after 'Incorrect Step:').");
        if (!int.TryParse(step.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int stepNumber) || stepNumber < 1)
            throw new FormatException($"The incorrect step number '{step.Groups[1].Value}' is not a positive integer.");
        text = text[step.Length..];

        int explanationAt = text.IndexOf(ExplanationLabel, StringComparison.OrdinalIgnoreCase);
        if (explanationAt < 0) throw new FormatException("The corrector output has no 'Explanation:'.");
        text = text[(explanationAt + ExplanationLabel.Length)..];

        int solutionAt = text.IndexOf(CorrectSolutionLabel, StringComparison.OrdinalIgnoreCase);
        if (solutionAt < 0) throw new FormatException("The corrector output has no 'Correct Solution:'.");
        string explanation = text[..solutionAt].Trim();
        if (explanation.Length == 0) throw new FormatException("The corrector output's explanation is empty.");

        string solution = ExtractSolution(text[(solutionAt + CorrectSolutionLabel.Length)..].Trim());
        if (solution.Length == 0) throw new FormatException("The corrector output's corrected solution is empty.");
        return new Correction(stepNumber, explanation, solution);
    }

    private static string ExtractSolution(string text)
    {
        if (text.StartsWith('{'))
        {
            int depth = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return text[1..i].Trim();
            }
            throw new FormatException("The corrector output's corrected solution opens '{' but never closes it.");
        }

        Match next = NextQuestionRegex().Match(text);
        return (next.Success ? text[..next.Index] : text).Trim();
    }

    [GeneratedRegex(@"^Step\s*(\d+)\s*[.:]?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StepRegex();

    [GeneratedRegex(@"\n\s*Question:", RegexOptions.CultureInvariant)]
    private static partial Regex NextQuestionRegex();
}
