using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>
/// The reasoner of the LEMA pipeline: samples reasoning paths (rationales ending with the answer sentence) for
/// questions. A model of this library (<c>LanguageModelReasoner</c> in Reversal.Training.Evaluation), a chat model
/// (<see cref="ChatReasoner"/>), or the host's own.
/// </summary>
public interface IReasoner
{
    /// <summary>
    /// Samples reasoning paths for each problem: <c>result[i]</c> holds the paths of <paramref name="problems"/>[i]
    /// (any number, possibly none). Implementations see the whole problem but should use only its question.
    /// </summary>
    /// <param name="problems">The problems, in order.</param>
    /// <param name="cancellationToken">Cancels the sampling.</param>
    /// <returns>One list of paths per problem, in order.</returns>
    Task<IReadOnlyList<IReadOnlyList<string>>> SampleAsync(IReadOnlyList<ReasoningProblem> problems, CancellationToken cancellationToken = default);
}
