using Reversal.Training.Attention;

namespace Reversal.Training.Objectives;

/// <summary>
/// MLM-U (Kitouni et al., arXiv 2406.05183, "the factorization curse"): masked modelling whose mask rate is drawn
/// uniformly from [0, 1) for every sequence, under bidirectional attention with the mirrored-RoPE rule
/// (<see cref="AttentionMaskPolicy.Bico"/>), with the loss on the masked tokens only.
/// </summary>
/// <remarks>
/// <para><b>Masking.</b> For each row a rate r ~ U[0, 1) is drawn; then every token that is not padding, BOS or EOS (and
/// not at position 0) is masked independently with probability r, so E[masked fraction] = 1/2. Across rows this trains
/// every amount of context, from nearly the whole sequence (r near 0; BICO always uses r = 0.15) to nearly nothing
/// (r near 1: predict the whole text from its few visible words), which is what lets a model answer in either
/// direction.</para>
/// <para><b>Placeholder and target alignment (a decision, shared with <see cref="Bico"/>).</b> A masked token is
/// replaced by the placeholder id (default: the tokenizer's <c>&lt;unk&gt;</c>; no new embedding is needed) and
/// removed as a key for every query; placeholders still act as queries. The loss is <i>shifted</i>: output position
/// i − 1 predicts the masked token at input i, exactly as next-token prediction aligns its targets, rather than BERT's
/// output i predicting token i. Why: (1) the model is decoded left to right, where the query that produces token i is
/// the one at i − 1, so what MLM-U teaches lands on the query and head that causal decoding and rank@1 scoring read;
/// (2) batches mixed with next-token prediction then never ask the same head for two different alignments; (3) BICO's
/// authors report that the unshifted alignment did not work for a causal LM. Removing placeholder keys means a
/// placeholder contributes nothing but its position, and the last visible token before a fully masked suffix sees
/// exactly the context it sees in causal decoding. Consequence: the token at position 0 is never masked.</para>
/// <para>The whole sequence is the input (length L). Mix it with next-token prediction
/// (<see cref="Objective.MlmURecipe"/>) so that the model also learns plain left-to-right continuation.</para>
/// </remarks>
public sealed class MlmU : ITrainingObjective
{
    /// <summary>Creates the objective.</summary>
    /// <param name="placeholderId">Id written over masked tokens; null uses the tokenizer's unknown-token id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The placeholder id is negative.</exception>
    public MlmU(int? placeholderId = null)
    {
        if (placeholderId < 0) throw new ArgumentOutOfRangeException(nameof(placeholderId), placeholderId, "Placeholder id must be non-negative.");
        PlaceholderId = placeholderId;
    }

    /// <summary>The configured placeholder id (null: the tokenizer's <c>&lt;unk&gt;</c>).</summary>
    public int? PlaceholderId { get; }

    /// <inheritdoc />
    public string Name => "mlm-u";

    /// <inheritdoc />
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context) =>
        PlaceholderDenoising.Prepare(examples, context, static random => random.NextDouble(), PlaceholderId, Name);
}
