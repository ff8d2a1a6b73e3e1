using System.Globalization;
using System.Text.RegularExpressions;
using Reversal.Training.Data.Lema;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// Checks a reasoning path against an <see cref="ArithmeticProblem"/>, whose every intermediate value it knows, and
/// finds the first wrong step.
/// </summary>
/// <remarks>
/// The path is cut into steps by <see cref="LemaPrompts.SplitSteps"/> (the numbering correctors see). Step 1 must
/// state the start value (its first number); step k+1 must hold the calculation of operation k,
/// <c>a op n = b</c>, with a = the previous value, the question's operation and operand, and the exact result;
/// step n+2 must give the answer (<c>The answer is N.</c>). A step may word things freely around those numbers.
/// Within a calculation the checks run in this order, and the first that fails explains the step: the value it
/// starts from, the operation, the operand, the result. Steps after a right answer step are wrong only if they change
/// the final answer.
/// </remarks>
public static partial class ArithmeticChecker
{
    /// <summary>Checks <paramref name="path"/> against <paramref name="problem"/>.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="path">A reasoning path (numbered or not).</param>
    /// <returns>The step count and the first wrong step with its explanation, if any.</returns>
    public static ArithmeticCheck Check(ArithmeticProblem problem, string path)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(path);
        IReadOnlyList<string> steps = LemaPrompts.SplitSteps(path);
        int expected = problem.Steps.Count + 2;
        for (int k = 1; k <= expected; k++)
        {
            string? text = k <= steps.Count ? steps[k - 1] : null;
            string? error = k == 1 ? CheckStart(problem, text)
                : k == expected ? CheckAnswer(problem, text)
                : CheckOperation(problem, k - 2, text);
            if (error is not null) return new ArithmeticCheck(steps.Count, k, error);
        }
        if (steps.Count > expected && !problem.IsAnsweredBy(path))
        {
            string found = AnswerExtraction.Gsm8kFinalAnswer(path) ?? "no answer";
            return new ArithmeticCheck(steps.Count, expected + 1, Invariant(
                $"Step {expected} already gives the right answer, {problem.FinalValue}; the steps after it change the answer to {found}."));
        }
        return new ArithmeticCheck(steps.Count, null, null);
    }

    private static string? CheckStart(ArithmeticProblem problem, string? text)
    {
        string fact = Invariant($"{problem.Character.Name} starts with {problem.Start} {problem.Item}");
        if (text is null) return $"The solution is empty; it should begin with {fact}.";
        Match number = NumberRegex().Match(text);
        if (!number.Success) return $"This step does not say how many {problem.Item} there are at the start: {fact}.";
        if (ParseInt(number.Value) != problem.Start) return Invariant($"The question says {fact}, not {number.Value}.");
        return null;
    }

    private static string? CheckOperation(ArithmeticProblem problem, int index, string? text)
    {
        ArithmeticStep step = problem.Steps[index];
        string said = ArithmeticText.QuestionSentence(problem.Character.Pronoun, step);
        string previous = index == 0 ? "the start value" : "the previous step";
        if (text is null) return $"The solution stops before this step; \"{said}\" means {step.Equation}.";
        Match calculation = CalculationRegex().Match(text);
        if (!calculation.Success)
            return $"This step should calculate {step.Equation} (\"{said}\"), but it has no calculation.";
        int left = ParseInt(calculation.Groups["left"].Value);
        string symbol = calculation.Groups["op"].Value;
        int right = ParseInt(calculation.Groups["right"].Value);
        int result = ParseInt(calculation.Groups["result"].Value);
        if (left != step.Before)
            return Invariant($"This step must continue from {previous}, {step.Before}, not from {left}: {step.Equation}.");
        if (NormalizeSymbol(symbol) != step.Symbol)
            return Invariant($"\"{said}\" is {ArithmeticText.OperationName(step.Operation)}, so it is {step.Equation}, not {left} {symbol} {right}.");
        if (right != step.Operand)
            return Invariant($"The question says \"{said}\", so the number is {step.Operand}, not {right}: {step.Equation}.");
        if (result != step.After)
            return Invariant($"The calculation is wrong: {step.Before} {step.Symbol} {step.Operand} = {step.After}, not {result}.");
        return null;
    }

    private static string? CheckAnswer(ArithmeticProblem problem, string? text)
    {
        if (text is null) return Invariant($"The solution stops without giving the answer, {problem.FinalValue}.");
        string? answer = AnswerExtraction.Gsm8kFinalAnswer(text);
        if (answer is null) return Invariant($"This step should give the answer: the last value is {problem.FinalValue}, so the answer is {problem.FinalValue}.");
        if (!AnswerExtraction.AnswersMatch(answer, problem.Answer))
            return Invariant($"The last value is {problem.FinalValue}, so the answer is {problem.FinalValue}, not {answer}.");
        return null;
    }

    private static string NormalizeSymbol(string symbol) => symbol switch
    {
        "x" or "X" or "×" => "*",
        "÷" => "/",
        _ => symbol,
    };

    private static int ParseInt(string text)
        => int.TryParse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value : int.MinValue;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"-?\d[\d,]*", RegexOptions.CultureInvariant)]
    private static partial Regex NumberRegex();

    [GeneratedRegex(@"(?<left>-?\d[\d,]*)\s*(?<op>[-+*/xX×÷])\s*(?<right>-?\d[\d,]*)\s*=\s*(?<result>-?\d[\d,]*)", RegexOptions.CultureInvariant)]
    private static partial Regex CalculationRegex();
}
