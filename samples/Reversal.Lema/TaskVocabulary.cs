using System.Globalization;
using Reversal.Training.Data.Lema;
using Reversal.Training.Data.Reasoning;

namespace Reversal.Lema;

/// <summary>
/// The corpus the word tokenizer is fitted on, so that every word the experiment can produce has an id: the task's
/// questions and rationales, LEMA's prompt wording, every number up to the task's range, and the programmatic
/// corrector's explanations for each kind of mistake (made on a few crafted wrong paths).
/// </summary>
internal static class TaskVocabulary
{
    public static IEnumerable<string> Corpus(ArithmeticTask task)
    {
        foreach (var problem in task.Train.Concat(task.Test))
        {
            yield return LemaPrompts.CotInput(problem.Question) + problem.Rationale;
        }
        yield return LemaPrompts.CorrectionInput("", LemaPrompts.NumberSteps("A. B."))
                     + LemaPrompts.CorrectionOutput(new Correction(1, "x", "y"));
        int largest = task.Options.MaxValue * Math.Max(task.Options.MaxFactor, 2) + task.Options.MaxOperand;
        yield return string.Join(' ', Enumerable.Range(0, largest + 1).Select(n => n.ToString(CultureInfo.InvariantCulture)));
        foreach (var problem in task.Train.Take(40))
            foreach (string wrong in CraftedMistakes(problem))
                yield return ArithmeticCorrector.Correct(problem, wrong);
    }

    /// <summary>One wrong path per kind of mistake the checker explains.</summary>
    private static IEnumerable<string> CraftedMistakes(ArithmeticProblem problem)
    {
        var lines = problem.RationaleSteps.ToArray();
        string first = problem.Steps[0].Equation;
        var step = problem.Steps[0];
        string Replace(string with) => string.Join('\n', lines.Select((l, i) => i == 1 ? l.Replace(first, with, StringComparison.Ordinal) : l));
        yield return Replace(string.Create(CultureInfo.InvariantCulture, $"{step.Before} {step.Symbol} {step.Operand} = {step.After + 1}"));
        yield return Replace(string.Create(CultureInfo.InvariantCulture, $"{step.Before} {step.Symbol} {step.Operand + 1} = {step.After}"));
        yield return Replace(string.Create(CultureInfo.InvariantCulture, $"{step.Before + 1} {step.Symbol} {step.Operand} = {step.After}"));
        yield return Replace(string.Create(CultureInfo.InvariantCulture, $"{step.Before} {(step.Symbol == "+" ? "-" : "+")} {step.Operand} = {step.After}"));
        yield return string.Join('\n', lines.Select((l, i) => i == 1 ? "No calculation here." : l));
        yield return string.Join('\n', lines.Take(2)) + "\nThe answer is 1.";
        yield return lines[0].Replace(problem.Start.ToString(CultureInfo.InvariantCulture), "999", StringComparison.Ordinal) + "\nThe answer is 1.";
        yield return string.Join('\n', lines) + "\nThe answer is 1.";
    }
}
