namespace Reversal.Training.Data.ReversalCurse;

/// <summary>An invented person of the synthetic reversal-curse data.</summary>
/// <param name="Name">Full name (first and last), unique in the data set.</param>
/// <param name="Description">What the person is known for, a lower-case noun phrase unique in the data set,
/// e.g. "the reclusive composer of the Sunken Orchard Requiem".</param>
/// <param name="Subset">The order the person's facts are trained in.</param>
public sealed record FictitiousPerson(string Name, string Description, PersonSubset Subset);
