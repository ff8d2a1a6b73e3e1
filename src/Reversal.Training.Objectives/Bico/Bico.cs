using Reversal.Training.Attention;

namespace Reversal.Training.Objectives;

/// <summary>
/// BICO's autoregressive mask denoising (Lv et al., arXiv 2311.07468) under bidirectional attention with mirrored
/// RoPE (<see cref="AttentionMaskPolicy.Bico"/>).
/// </summary>
/// <remarks>
/// <para>Each token that is not padding, BOS or EOS is chosen independently with probability <see cref="MaskRate"/>
/// (single tokens, not spans) and replaced by the placeholder id (default: the tokenizer's <c>&lt;unk&gt;</c>; the
/// reference uses id 0 and learns no new [MASK] embedding). Placeholders are removed as keys for every query in every
/// layer (they still act as queries). The loss is the usual shifted one: output position i predicts the original
/// token at input i+1, counted only where input i+1 was masked (all other targets are −100).</para>
/// <para>Unlike next-token prediction the whole sequence is the input (length L, not L−1): with bidirectional
/// attention the last token is still a useful key. BICO is a training-time change only; the model is decoded causally.
/// Mix it 50/50 with <see cref="NextTokenPrediction"/> (<see cref="Objective.BicoRecipe"/>), as the paper does.</para>
/// </remarks>
public sealed class Bico : ITrainingObjective
{
    /// <summary>Creates the objective.</summary>
    /// <param name="maskRate">Probability that a maskable token is replaced (default 0.15, the paper's).</param>
    /// <param name="placeholderId">Id written over masked tokens; null uses the tokenizer's unknown-token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not in (0, 1] or the placeholder id is negative.</exception>
    public Bico(double maskRate = 0.15, int? placeholderId = null)
    {
        if (!(maskRate > 0 && maskRate <= 1)) throw new ArgumentOutOfRangeException(nameof(maskRate), maskRate, "BICO mask rate must be in (0, 1].");
        if (placeholderId < 0) throw new ArgumentOutOfRangeException(nameof(placeholderId), placeholderId, "Placeholder id must be non-negative.");
        MaskRate = maskRate;
        PlaceholderId = placeholderId;
    }

    /// <summary>Probability that a maskable token is masked.</summary>
    public double MaskRate { get; }

    /// <summary>The configured placeholder id (null: the tokenizer's <c>&lt;unk&gt;</c>).</summary>
    public int? PlaceholderId { get; }

    /// <inheritdoc />
    public string Name => "bico";

    /// <inheritdoc />
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context) =>
        PlaceholderDenoising.Prepare(examples, context, _ => MaskRate, PlaceholderId, Name);
}
