using System.Globalization;
using System.Text;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// The corrector's few-shot prompt P_c and its layout (An et al., arXiv 2310.20689): an instruction, demonstrations,
/// then the question and the wrong solution to correct, ending at <c>Incorrect Step:</c> so that the corrector
/// continues with <c> Step k.</c>
/// </summary>
/// <remarks>
/// <para>The layout of every example, demonstrations and the question to correct alike:</para>
/// <code>
/// Question: {question}
/// Original Solution:
/// {
/// Step 1: ...
/// Step n: The answer is N.
/// }
/// Incorrect Step: Step k.
/// Explanation: {why}
/// Correct Solution:
/// {
/// ...
/// Step k: ...
/// }
/// </code>
/// <para>Examples are separated by a blank line. The library ships no third-party prompt text: the paper's few-shot
/// files are read with <see cref="FromFile"/>, and a host (or the built-in task,
/// <see cref="Reasoning.ArithmeticCorrectionPrompt"/>) can write its own with <see cref="FromDemonstrations"/>.</para>
/// </remarks>
public sealed class CorrectionPrompt
{
    private CorrectionPrompt(string fewShot) => FewShot = fewShot;

    /// <summary>The instruction and demonstrations (line ends <c>\n</c>, no trailing whitespace).</summary>
    public string FewShot { get; }

    /// <summary>
    /// Reads P_c from a few-shot file such as LEMA's <c>prompt_correction_gsm8k.txt</c> or
    /// <c>prompt_correction_math.txt</c>: UTF-8, line ends normalised to <c>\n</c>, trailing whitespace removed.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is empty or holds no demonstration (no <c>Question:</c> or no
    /// <c>Incorrect Step:</c>); the message names the file.</exception>
    public static CorrectionPrompt FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Correction prompt file '{path}' was not found.", path);
        string text = File.ReadAllText(path, Encoding.UTF8).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd();
        if (text.Length == 0) throw new FormatException($"Correction prompt file '{path}' is empty.");
        if (!text.Contains("Question:", StringComparison.Ordinal) || !text.Contains(CorrectionParser.IncorrectStepLabel, StringComparison.Ordinal))
            throw new FormatException($"Correction prompt file '{path}' holds no demonstration ('Question:' ... '{CorrectionParser.IncorrectStepLabel}').");
        return new CorrectionPrompt(text);
    }

    /// <summary>Builds P_c from an instruction and demonstrations, each laid out as the class remarks show.</summary>
    /// <param name="instruction">The first paragraph (not empty).</param>
    /// <param name="demonstrations">At least one demonstration.</param>
    /// <exception cref="ArgumentException">The instruction is empty, or there is no demonstration or a null one.</exception>
    public static CorrectionPrompt FromDemonstrations(string instruction, IEnumerable<CorrectionDemonstration> demonstrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instruction);
        ArgumentNullException.ThrowIfNull(demonstrations);
        var text = new StringBuilder(instruction.Trim());
        int count = 0;
        foreach (CorrectionDemonstration demonstration in demonstrations)
        {
            if (demonstration is null) throw new ArgumentException($"Demonstration {count} is null.", nameof(demonstrations));
            text.Append("\n\n").Append(Example(demonstration.Question, demonstration.WrongSolution));
            Correction c = demonstration.Correction;
            text.Append(CultureInfo.InvariantCulture, $" Step {c.IncorrectStep}.\n");
            text.Append(CorrectionParser.ExplanationLabel).Append(' ').Append(c.Explanation.Trim()).Append('\n');
            text.Append(CorrectionParser.CorrectSolutionLabel).Append("\n{\n").Append(c.CorrectedSolution.Trim()).Append("\n}");
            count++;
        }
        if (count == 0) throw new ArgumentException("P_c needs at least one demonstration.", nameof(demonstrations));
        return new CorrectionPrompt(text.ToString());
    }

    /// <summary>
    /// The full corrector prompt: <see cref="FewShot"/>, a blank line, then the question and the wrong solution (its
    /// steps numbered by <see cref="LemaPrompts.NumberSteps"/>) in the demonstrations' layout, ending with
    /// <c>Incorrect Step:</c>.
    /// </summary>
    /// <param name="question">The question.</param>
    /// <param name="wrongSolution">The wrong reasoning path.</param>
    public string Build(string question, string wrongSolution)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(wrongSolution);
        return $"{FewShot}\n\n{Example(question, wrongSolution)}";
    }

    private static string Example(string question, string wrongSolution)
        => $"Question: {question.Trim()}\nOriginal Solution:\n{{\n{LemaPrompts.NumberSteps(wrongSolution)}\n}}\n{CorrectionParser.IncorrectStepLabel}";
}
