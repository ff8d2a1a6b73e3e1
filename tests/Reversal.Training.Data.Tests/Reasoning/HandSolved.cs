using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Tests.Reasoning;

/// <summary>Problems solved by hand, with their texts written out in full.</summary>
internal static class HandSolved
{
    /// <summary>Mia has 7 marbles; +5 = 12; -3 = 9; *2 = 18.</summary>
    public static ArithmeticProblem Mia() => new(new ArithmeticCharacter("Mia", "She"), "marbles", 7,
    [
        new ArithmeticStep(ArithmeticOperation.Add, 5, 7, 12),
        new ArithmeticStep(ArithmeticOperation.Subtract, 3, 12, 9),
        new ArithmeticStep(ArithmeticOperation.Multiply, 2, 9, 18),
    ]);

    /// <summary>Tom has 24 coins; /4 = 6; +9 = 15.</summary>
    public static ArithmeticProblem Tom() => new(new ArithmeticCharacter("Tom", "He"), "coins", 24,
    [
        new ArithmeticStep(ArithmeticOperation.Divide, 4, 24, 6),
        new ArithmeticStep(ArithmeticOperation.Add, 9, 6, 15),
    ]);

    public const string MiaQuestion =
        "Mia has 7 marbles. She gets 5 more. She gives away 3. She then has 2 times as many. How many marbles does Mia have now?";

    public const string MiaRationale =
        "Mia starts with 7 marbles.\n"
        + "She gets 5 more, so she has 7 + 5 = 12 marbles.\n"
        + "She gives away 3, so she has 12 - 3 = 9 marbles.\n"
        + "She then has 2 times as many, so she has 9 * 2 = 18 marbles.\n"
        + "The answer is 18.";
}
