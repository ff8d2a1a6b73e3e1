using Reversal.Training.Generation;
using Reversal.Training.Objectives;

namespace Reversal.Samples.ReversalCurse;

/// <summary>One row of the <see cref="ObjectiveCatalog"/>: a name, what it trains, and how its models are decoded.</summary>
/// <param name="Name">The name <c>--objectives</c> accepts.</param>
/// <param name="Description">One line for <c>--help</c> and the README.</param>
/// <param name="Create">Builds the objective (a fresh instance per run).</param>
/// <param name="InfillDecoding">Also score GLM infill decoding (models trained with blank infilling).</param>
/// <param name="NeedsEntities">The objective reads entity spans (the data's names and descriptions).</param>
public sealed record CatalogEntry(string Name, string Description, Func<CatalogContext, ITrainingObjective> Create,
    bool InfillDecoding = false, bool NeedsEntities = false)
{
    /// <summary>Causal greedy decoding, plus infill decoding for blank-infilling models.</summary>
    public IReadOnlyList<ICompletionDecoder> Decoders(CatalogContext context) => InfillDecoding
        ? [CausalGreedyDecoder.Instance, new InfillDecoder(context.InfillTokens, context.Special.Eos)]
        : [CausalGreedyDecoder.Instance];
}
