using System.Globalization;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// The wording of the built-in arithmetic task: one question sentence and one rationale line per operation, written
/// for this library (GSM8K-like, one calculation a line, ending with LEMA's answer sentence).
/// </summary>
internal static class ArithmeticText
{
    /// <summary>The items a problem counts (plural nouns), in a fixed order.</summary>
    public static IReadOnlyList<string> Items { get; } =
        ["apples", "marbles", "stickers", "coins", "books", "cards", "shells", "pencils", "stamps", "cookies"];

    public static string Question(ArithmeticCharacter who, string item, int start, IReadOnlyList<ArithmeticStep> steps)
    {
        var parts = new List<string>(steps.Count + 2) { Invariant($"{who.Name} has {start} {item}.") };
        foreach (ArithmeticStep step in steps) parts.Add(QuestionSentence(who.Pronoun, step));
        parts.Add($"How many {item} does {who.Name} have now?");
        return string.Join(' ', parts);
    }

    public static string[] RationaleLines(ArithmeticCharacter who, string item, int start, IReadOnlyList<ArithmeticStep> steps, int answer)
    {
        var lines = new string[steps.Count + 2];
        lines[0] = Invariant($"{who.Name} starts with {start} {item}.");
        for (int i = 0; i < steps.Count; i++)
            lines[i + 1] = Invariant($"{Reason(who.Pronoun, steps[i])}, so {who.Pronoun.ToLowerInvariant()} has {steps[i].Equation} {item}.");
        lines[^1] = Invariant($"The answer is {answer}.");
        return lines;
    }

    /// <summary>What the question says for a step, e.g. <c>She gets 5 more.</c>: the rationale's reason, except for a
    /// division, where the question tells the action and the rationale its result.</summary>
    public static string QuestionSentence(string pronoun, ArithmeticStep step) => step.Operation == ArithmeticOperation.Divide
        ? Invariant($"{pronoun} puts them into {step.Operand} equal piles and keeps one pile.")
        : Reason(pronoun, step) + ".";

    /// <summary>The reason part of a rationale line, e.g. <c>She gets 5 more</c>.</summary>
    private static string Reason(string pronoun, ArithmeticStep step) => step.Operation switch
    {
        ArithmeticOperation.Add => Invariant($"{pronoun} gets {step.Operand} more"),
        ArithmeticOperation.Subtract => Invariant($"{pronoun} gives away {step.Operand}"),
        ArithmeticOperation.Multiply => Invariant($"{pronoun} then has {step.Operand} times as many"),
        ArithmeticOperation.Divide => Invariant($"{pronoun} keeps one of {step.Operand} equal piles"),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.Operation, "Unknown operation."),
    };

    /// <summary>The name of an operation in explanations.</summary>
    public static string OperationName(ArithmeticOperation operation) => operation switch
    {
        ArithmeticOperation.Add => "an addition",
        ArithmeticOperation.Subtract => "a subtraction",
        ArithmeticOperation.Multiply => "a multiplication",
        ArithmeticOperation.Divide => "a division",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation."),
    };

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
