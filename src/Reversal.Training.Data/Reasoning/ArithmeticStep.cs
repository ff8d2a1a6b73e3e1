using System.Globalization;

namespace Reversal.Training.Data.Reasoning;

/// <summary>One step of an <see cref="ArithmeticProblem"/>: <c>Before op Operand = After</c>.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="Operand">The number the question gives for this step.</param>
/// <param name="Before">The value before the step (the previous step's result, or the start value).</param>
/// <param name="After">The value after the step.</param>
public sealed record ArithmeticStep(ArithmeticOperation Operation, int Operand, int Before, int After)
{
    /// <summary>The operation's symbol in rationales: <c>+ - * /</c>.</summary>
    public string Symbol => SymbolOf(Operation);

    /// <summary>The step's equation as rationales write it, e.g. <c>7 + 5 = 12</c>.</summary>
    public string Equation => string.Create(CultureInfo.InvariantCulture, $"{Before} {Symbol} {Operand} = {After}");

    /// <summary>The symbol of <paramref name="operation"/>: <c>+ - * /</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The operation is unknown.</exception>
    public static string SymbolOf(ArithmeticOperation operation) => operation switch
    {
        ArithmeticOperation.Add => "+",
        ArithmeticOperation.Subtract => "-",
        ArithmeticOperation.Multiply => "*",
        ArithmeticOperation.Divide => "/",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation."),
    };

    /// <summary>The result of <c>before op operand</c>, or null when it is undefined or not a whole number.</summary>
    public static int? Apply(ArithmeticOperation operation, int before, int operand) => operation switch
    {
        ArithmeticOperation.Add => before + operand,
        ArithmeticOperation.Subtract => before - operand,
        ArithmeticOperation.Multiply => before * operand,
        ArithmeticOperation.Divide => operand != 0 && before % operand == 0 ? before / operand : null,
        _ => null,
    };
}
