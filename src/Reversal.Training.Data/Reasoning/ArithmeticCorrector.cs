using System.Globalization;
using System.Text;
using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// The programmatic corrector of the built-in task: finds the first wrong step with <see cref="ArithmeticChecker"/>
/// and writes the correction in the paper's layout — <c>Incorrect Step: Step k.</c>, <c>Explanation: ...</c>, and
/// <c>Correct Solution:</c> with the reference steps from k on in braces (after a <c>...</c> line when k &gt; 1),
/// ending with <c>Step n: The answer is N.</c>
/// </summary>
public sealed class ArithmeticCorrector : ICorrector
{
    /// <summary>
    /// Corrects <paramref name="request"/>. A path whose every step is right gets no correction: the reply then says
    /// so and has no step marker, so the pipeline drops it.
    /// </summary>
    /// <exception cref="ArgumentException">The request's problem is not an <see cref="ArithmeticProblem"/>.</exception>
    public Task<string> CorrectAsync(CorrectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (request.Problem is not ArithmeticProblem problem)
            throw new ArgumentException($"{nameof(ArithmeticCorrector)} corrects only problems of the built-in task ({nameof(ArithmeticProblem)}); got {request.Problem.GetType().Name}.", nameof(request));
        return Task.FromResult(Correct(problem, request.WrongPath));
    }

    /// <summary>The correction text for <paramref name="path"/> (see the class summary).</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="path">A reasoning path.</param>
    public static string Correct(ArithmeticProblem problem, string path)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(path);
        ArithmeticCheck check = ArithmeticChecker.Check(problem, path);
        if (check.FirstWrongStep is not int step) return "Every step of the original solution is correct.";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{CorrectionParser.IncorrectStepLabel} Step {step}.\n");
        text.Append(CultureInfo.InvariantCulture, $"{CorrectionParser.ExplanationLabel} {check.Explanation}\n");
        text.Append(CorrectionParser.CorrectSolutionLabel).Append("\n{\n");
        text.Append(CorrectedSolution(problem, step));
        text.Append("\n}");
        return text.ToString();
    }

    /// <summary>The reference steps from <paramref name="step"/> on, numbered, after a <c>...</c> line when the
    /// correction does not start at step 1 (the paper's layout). A step beyond the reference (an extra step that
    /// changed the answer) restates the answer step under that number.</summary>
    public static string CorrectedSolution(ArithmeticProblem problem, int step)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var lines = new List<string>();
        if (step > 1) lines.Add("...");
        int last = problem.RationaleSteps.Count;
        if (step > last) lines.Add(string.Create(CultureInfo.InvariantCulture, $"Step {step}: {problem.RationaleSteps[^1]}"));
        for (int k = step; k <= last; k++) lines.Add(string.Create(CultureInfo.InvariantCulture, $"Step {k}: {problem.RationaleSteps[k - 1]}"));
        return string.Join('\n', lines);
    }
}
