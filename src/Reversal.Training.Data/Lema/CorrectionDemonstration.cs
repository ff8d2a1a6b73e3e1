namespace Reversal.Training.Data.Lema;

/// <summary>
/// One few-shot demonstration of a correction prompt (<see cref="CorrectionPrompt"/>): a question, a wrong solution,
/// and its correction.
/// </summary>
/// <param name="Question">The question.</param>
/// <param name="WrongSolution">The wrong solution (numbered by <see cref="LemaPrompts.NumberSteps"/> when laid out).</param>
/// <param name="Correction">The correction: first incorrect step, explanation and corrected solution.</param>
public sealed record CorrectionDemonstration(string Question, string WrongSolution, Correction Correction)
{
    /// <summary>The question (never null).</summary>
    public string Question { get; init; } = Question ?? throw new ArgumentNullException(nameof(Question));

    /// <summary>The wrong solution (never null).</summary>
    public string WrongSolution { get; init; } = WrongSolution ?? throw new ArgumentNullException(nameof(WrongSolution));

    /// <summary>The correction (never null).</summary>
    public Correction Correction { get; init; } = Correction ?? throw new ArgumentNullException(nameof(Correction));
}
