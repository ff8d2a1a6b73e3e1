namespace Reversal.Training.Data.Reasoning;

/// <summary>The verdict of <see cref="ArithmeticChecker"/> on a reasoning path.</summary>
/// <param name="StepCount">Steps in the path (as <see cref="Lema.LemaPrompts.SplitSteps"/> cuts it).</param>
/// <param name="FirstWrongStep">The 1-based number of the first wrong step, or null when every step is right.</param>
/// <param name="Explanation">Why that step is wrong (null when none is).</param>
public sealed record ArithmeticCheck(int StepCount, int? FirstWrongStep, string? Explanation)
{
    /// <summary>Whether every step, and so the final answer, is right.</summary>
    public bool IsCorrect => FirstWrongStep is null;
}
