namespace Reversal.Training.Data.Lema;

/// <summary>
/// A corrector's verdict on a wrong reasoning path: which step is the first wrong one, why, and a corrected
/// solution continuing from that step.
/// </summary>
/// <param name="IncorrectStep">The 1-based number of the first incorrect step.</param>
/// <param name="Explanation">Why that step is wrong.</param>
/// <param name="CorrectedSolution">The corrected solution from that step on, ending with <c>The answer is N.</c>.</param>
public sealed record Correction(int IncorrectStep, string Explanation, string CorrectedSolution)
{
    /// <summary>The 1-based number of the first incorrect step (at least 1).</summary>
    public int IncorrectStep { get; init; } = IncorrectStep >= 1
        ? IncorrectStep
        : throw new ArgumentOutOfRangeException(nameof(IncorrectStep), IncorrectStep, "Steps are numbered from 1.");

    /// <summary>Why that step is wrong (never null).</summary>
    public string Explanation { get; init; } = Explanation ?? throw new ArgumentNullException(nameof(Explanation));

    /// <summary>The corrected solution from the incorrect step on (never null).</summary>
    public string CorrectedSolution { get; init; } = CorrectedSolution ?? throw new ArgumentNullException(nameof(CorrectedSolution));
}
