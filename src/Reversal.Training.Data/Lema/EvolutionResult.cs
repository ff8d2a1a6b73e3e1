using Reversal.Training.Data.Reasoning;

namespace Reversal.Training.Data.Lema;

/// <summary>The outcome of <see cref="QuestionEvolution.EvolveAsync"/>.</summary>
/// <param name="Problems">The evolved problems, distinct by question, in the order they were made.</param>
/// <param name="SeedsUsed">How many distinct seed problems were evolved.</param>
/// <param name="Failed">Evolver calls that returned nothing (e.g. a malformed model reply).</param>
/// <param name="Rejected">Evolved problems refused as repeats of an earlier, excluded or seed question.</param>
public sealed record EvolutionResult(IReadOnlyList<ReasoningProblem> Problems, int SeedsUsed, int Failed, int Rejected);
