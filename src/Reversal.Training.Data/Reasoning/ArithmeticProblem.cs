using System.Globalization;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// A multi-step arithmetic word problem of the built-in task (<see cref="ArithmeticTaskGenerator"/>): a start value
/// and a chain of operations, with every intermediate value known. Its rationale has one line per step:
/// the start, one calculation per operation, then <c>The answer is N.</c>
/// </summary>
/// <example>
/// <c>Mia has 7 marbles. She gets 5 more. She gives away 3. How many marbles does Mia have now?</c> with the rationale
/// <c>Mia starts with 7 marbles.\nShe gets 5 more, so she has 7 + 5 = 12 marbles.\nShe gives away 3, so she has
/// 12 - 3 = 9 marbles.\nThe answer is 9.</c>
/// </example>
public sealed record ArithmeticProblem : ReasoningProblem
{
    private readonly string[] _rationaleSteps;

    /// <summary>
    /// Creates a problem from its parts, checking that the steps chain (each step's <see cref="ArithmeticStep.Before"/>
    /// is the previous value and its <see cref="ArithmeticStep.After"/> is the exact result).
    /// </summary>
    /// <param name="character">Who the problem is about.</param>
    /// <param name="item">The plural noun counted (e.g. <c>marbles</c>): one word of letters.</param>
    /// <param name="start">The start value (≥ 0).</param>
    /// <param name="steps">At least one step.</param>
    /// <exception cref="ArgumentException">The item is not one word, the start is negative, there are no steps, a
    /// step does not chain or its result is wrong or negative; the message names the step.</exception>
    public ArithmeticProblem(ArithmeticCharacter character, string item, int start, IReadOnlyList<ArithmeticStep> steps)
        : base(ArithmeticText.Question(Checked(character, item, start, steps), item, start, steps),
               string.Join('\n', ArithmeticText.RationaleLines(character, item, start, steps, steps[^1].After)),
               steps[^1].After.ToString(CultureInfo.InvariantCulture))
    {
        Character = character;
        Item = item;
        Start = start;
        Steps = steps.ToArray().AsReadOnly();
        _rationaleSteps = ArithmeticText.RationaleLines(character, item, start, steps, steps[^1].After);
    }

    /// <summary>Who the problem is about.</summary>
    public ArithmeticCharacter Character { get; }

    /// <summary>The plural noun counted.</summary>
    public string Item { get; }

    /// <summary>The start value.</summary>
    public int Start { get; }

    /// <summary>The operations in order, each with its intermediate values.</summary>
    public IReadOnlyList<ArithmeticStep> Steps { get; }

    /// <summary>The final value (the answer as a number).</summary>
    public int FinalValue => Steps[^1].After;

    /// <summary>
    /// The reference rationale's steps, one line each: 1 = the start, 2 .. n+1 = the operations, n+2 = the answer
    /// sentence. Step k of a numbered solution is element k−1.
    /// </summary>
    public IReadOnlyList<string> RationaleSteps => _rationaleSteps;

    /// <summary>
    /// The arithmetic content without the story (start, then each operation and operand), e.g. <c>7+5-3</c>: two
    /// problems with the same signature ask the same calculation. The train and test splits share no signature.
    /// </summary>
    public string Signature
    {
        get
        {
            var text = new System.Text.StringBuilder(Start.ToString(CultureInfo.InvariantCulture));
            foreach (ArithmeticStep step in Steps) text.Append(step.Symbol).Append(step.Operand.ToString(CultureInfo.InvariantCulture));
            return text.ToString();
        }
    }

    private static ArithmeticCharacter Checked(ArithmeticCharacter character, string item, int start, IReadOnlyList<ArithmeticStep> steps)
    {
        ArgumentNullException.ThrowIfNull(character);
        ArgumentException.ThrowIfNullOrWhiteSpace(item);
        ArgumentNullException.ThrowIfNull(steps);
        if (!item.All(char.IsAsciiLetter)) throw new ArgumentException($"The item '{item}' must be one word of letters.", nameof(item));
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (steps.Count == 0) throw new ArgumentException("A problem needs at least one step.", nameof(steps));
        int value = start;
        for (int i = 0; i < steps.Count; i++)
        {
            ArithmeticStep step = steps[i] ?? throw new ArgumentException($"Step {i + 1} is null.", nameof(steps));
            if (step.Before != value)
                throw new ArgumentException($"Step {i + 1} starts from {step.Before}, but the previous value is {value}.", nameof(steps));
            int? result = ArithmeticStep.Apply(step.Operation, step.Before, step.Operand);
            if (result != step.After)
                throw new ArgumentException($"Step {i + 1}: {step.Before} {step.Symbol} {step.Operand} is not {step.After}.", nameof(steps));
            if (step.After < 0) throw new ArgumentException($"Step {i + 1} gives {step.After}; values must not be negative.", nameof(steps));
            value = step.After;
        }
        return character;
    }
}
