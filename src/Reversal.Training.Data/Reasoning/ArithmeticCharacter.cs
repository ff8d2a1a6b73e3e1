namespace Reversal.Training.Data.Reasoning;

/// <summary>The person an arithmetic word problem is about.</summary>
/// <param name="Name">The first name, e.g. <c>Mia</c>.</param>
/// <param name="Pronoun">The subject pronoun, capitalised: <c>She</c> or <c>He</c>.</param>
public sealed record ArithmeticCharacter(string Name, string Pronoun)
{
    /// <summary>The built-in characters, in a fixed order.</summary>
    public static IReadOnlyList<ArithmeticCharacter> All { get; } =
    [
        new("Mia", "She"), new("Tom", "He"), new("Ava", "She"), new("Leo", "He"), new("Zoe", "She"), new("Sam", "He"),
        new("Nora", "She"), new("Ben", "He"), new("Lily", "She"), new("Max", "He"), new("Emma", "She"), new("Omar", "He"),
    ];
}
