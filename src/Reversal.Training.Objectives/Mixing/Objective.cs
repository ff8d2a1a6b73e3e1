using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>Factory shortcuts for composing objectives and the published recipes.</summary>
public static class Objective
{
    /// <summary>A mix choosing one member per batch by weight.</summary>
    public static ObjectiveMix Mix(params (ITrainingObjective Objective, double Weight)[] members) => new(members);

    /// <summary>
    /// The BICO recipe: plain causal next-token prediction and BICO mask denoising, 50/50 per batch.
    /// </summary>
    /// <param name="maskRate">BICO's mask rate (default 0.15).</param>
    /// <param name="completionOnly">Whether the NTP half trains on completions only.</param>
    public static ObjectiveMix BicoRecipe(double maskRate = 0.15, bool completionOnly = false) =>
        Mix((new NextTokenPrediction(completionOnly), 0.5), (new Bico(maskRate), 0.5));

    /// <summary>
    /// The ABI recipe: causal next-token prediction and GLM blank infilling, 50/50 per batch (blank infilling alone
    /// never learns to continue a prompt left to right).
    /// </summary>
    public static ObjectiveMix AbiRecipe(BlankInfillingTokens tokens, bool completionOnly = false) =>
        Mix((new NextTokenPrediction(completionOnly), 0.5), (new BlankInfilling(tokens), 0.5));

    /// <summary>
    /// Token-level reverse training (Golovneva et al.): every batch is, with equal probability, plain next-token
    /// prediction or next-token prediction on the token-reversed sequences. A pure data transform: no attention change.
    /// </summary>
    public static ObjectiveMix ReverseTrainingRecipe() =>
        Mix((new NextTokenPrediction(), 0.5), (new ReversedObjective(new NextTokenPrediction()), 0.5));
}
