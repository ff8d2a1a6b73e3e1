namespace Reversal.Training.Data.Lema;

/// <summary>
/// The corrector of the LEMA pipeline: given a wrong reasoning path, returns its correction as text in the paper's
/// format (<c>Incorrect Step: Step k.</c>, <c>Explanation: ...</c>, <c>Correct Solution: ...</c> ending with the answer
/// sentence), which the pipeline parses with <see cref="CorrectionParser"/> and verifies.
/// </summary>
/// <remarks>
/// Implementations: <see cref="ChatCorrector"/> (an <c>IChatClient</c> given the few-shot prompt P_c + question +
/// wrong path), <see cref="Reasoning.ArithmeticCorrector"/> (programmatic, for the built-in task), or the host's own.
/// A malformed reply is not an error: the pipeline counts and drops it with a reason.
/// </remarks>
public interface ICorrector
{
    /// <summary>Corrects one wrong path.</summary>
    /// <param name="request">The problem and the wrong path.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The corrector's reply text.</returns>
    Task<string> CorrectAsync(CorrectionRequest request, CancellationToken cancellationToken = default);
}
