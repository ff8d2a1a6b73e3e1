using Reversal.Training.Generation;
using Reversal.Training.Objectives;

namespace Reversal.Demo;

/// <summary>The objectives the demo can train, by name, with the decoders each is evaluated with.</summary>
internal static class ObjectiveCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["ntp", "bico", "abi"];

    public static (ITrainingObjective Objective, IReadOnlyList<ICompletionDecoder> Decoders) Create(
        string name, BlankInfillingTokens infillTokens, SpecialTokenIds special) => name switch
    {
        "ntp" => (new NextTokenPrediction(), [CausalGreedyDecoder.Instance]),
        "bico" => (Objective.BicoRecipe(maskRate: 0.15), [CausalGreedyDecoder.Instance]),
        "abi" => (Objective.AbiRecipe(infillTokens), [CausalGreedyDecoder.Instance, new InfillDecoder(infillTokens, special.Eos)]),
        _ => throw new ArgumentException($"Unknown objective '{name}'; choose from {string.Join(", ", Names)}."),
    };
}
