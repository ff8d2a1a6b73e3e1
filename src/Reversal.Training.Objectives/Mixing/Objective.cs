namespace Reversal.Training.Objectives;

/// <summary>Factory shortcuts for composing objectives: the published recipes and their combinations, one line each.</summary>
/// <example><code>
/// var bico = Objective.BicoRecipe();                                               // NTP ½ + BICO ½
/// var mlmU = Objective.MlmURecipe();                                               // NTP ½ + MLM-U ½
/// var entity = Objective.ReverseTrainingRecipe(new EntityPreservingReversal());    // NTP ½ + entity-reversed NTP ½
/// var both = Objective.BicoRecipe().WithReverseTraining(new EntityPreservingReversal()); // NTP ⅓ + BICO ⅓ + entity-reversed NTP ⅓
/// </code></example>
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
    /// MLM-U mixed with next-token prediction, 50/50 per batch: the uniform-rate masked objective teaches the facts in
    /// every factorisation order, the causal half keeps left-to-right decoding fluent.
    /// </summary>
    /// <param name="completionOnly">Whether the NTP half trains on completions only.</param>
    public static ObjectiveMix MlmURecipe(bool completionOnly = false) =>
        Mix((new NextTokenPrediction(completionOnly), 0.5), (new MlmU(), 0.5));

    /// <summary>
    /// Reverse training (Golovneva et al., arXiv 2403.13799): every batch is, with equal probability, plain next-token
    /// prediction or next-token prediction on the reversed sequences. A pure data transform: no attention change.
    /// </summary>
    /// <param name="reversal">Token (default), word, entity-preserving or random-segment reversal.</param>
    public static ObjectiveMix ReverseTrainingRecipe(ISequenceReversal? reversal = null) =>
        Mix((new NextTokenPrediction(), 0.5), (new ReversedObjective(new NextTokenPrediction(), reversal), 0.5));

    /// <summary>
    /// Adds reverse training to a recipe: the recipe's n members keep their relative weights and share n/(n + 1) of the
    /// batches, reversed next-token prediction gets the remaining 1/(n + 1). For the two-member BICO and MLM-U recipes
    /// that is one third each: NTP, the bidirectional objective, and the reversed copies.
    /// </summary>
    /// <param name="recipe">The recipe to extend (e.g. <see cref="BicoRecipe"/>).</param>
    /// <param name="reversal">How the added member reverses examples (e.g. <see cref="EntityPreservingReversal"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ObjectiveMix WithReverseTraining(this ObjectiveMix recipe, ISequenceReversal reversal)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(reversal);
        int n = recipe.Members.Count;
        var members = recipe.Members.Select(m => (m.Objective, m.Probability * n / (n + 1))).ToList();
        members.Add((new ReversedObjective(new NextTokenPrediction(), reversal), 1.0 / (n + 1)));
        return new ObjectiveMix([.. members]);
    }
}
