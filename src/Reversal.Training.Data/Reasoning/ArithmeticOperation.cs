namespace Reversal.Training.Data.Reasoning;

/// <summary>An operation of one step of an arithmetic word problem.</summary>
public enum ArithmeticOperation
{
    /// <summary>The character gets more items: <c>a + n</c>.</summary>
    Add,

    /// <summary>The character gives items away: <c>a - n</c>.</summary>
    Subtract,

    /// <summary>The character ends up with n times as many: <c>a * n</c>.</summary>
    Multiply,

    /// <summary>The character keeps one of n equal piles: <c>a / n</c> (always exact).</summary>
    Divide,
}
