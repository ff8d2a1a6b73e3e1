using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>What a corrector is asked to correct: a problem and a reasoning path whose final answer is wrong.</summary>
/// <param name="Problem">The problem (an LLM corrector uses only its question; a programmatic one may use more).</param>
/// <param name="WrongPath">The reasoning path as the reasoner wrote it.</param>
public sealed record CorrectionRequest(ReasoningProblem Problem, string WrongPath)
{
    /// <summary>The problem (never null).</summary>
    public ReasoningProblem Problem { get; init; } = Problem ?? throw new ArgumentNullException(nameof(Problem));

    /// <summary>The reasoning path as the reasoner wrote it (never null).</summary>
    public string WrongPath { get; init; } = WrongPath ?? throw new ArgumentNullException(nameof(WrongPath));

    /// <summary>The path numbered as correctors see it (<see cref="LemaPrompts.NumberSteps"/>): <c>Step 1: ...</c>, one a line.</summary>
    public string NumberedPath => LemaPrompts.NumberSteps(WrongPath);

    /// <summary>The number of steps in <see cref="NumberedPath"/>.</summary>
    public int StepCount => LemaPrompts.SplitSteps(WrongPath).Count;
}
