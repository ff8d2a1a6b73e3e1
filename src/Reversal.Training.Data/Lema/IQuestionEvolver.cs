using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// Writes a new problem from a seed problem, for LEMA's correction-centric evolution
/// (<see cref="QuestionEvolution"/>): <see cref="Reasoning.ArithmeticEvolver"/> for the built-in task,
/// <see cref="ChatQuestionEvolver"/> for GSM8K-style problems, or the host's own.
/// </summary>
public interface IQuestionEvolver
{
    /// <summary>Evolves <paramref name="seedProblem"/> into a new problem.</summary>
    /// <param name="seedProblem">The problem to start from.</param>
    /// <param name="seed">A seed for any randomness: the same seed problem and seed give the same result.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new problem, or null when none could be made (e.g. a malformed model reply).</returns>
    Task<ReasoningProblem?> EvolveAsync(ReasoningProblem seedProblem, long seed, CancellationToken cancellationToken = default);
}
