using Reversal.Training.Attention;
using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// The batch shape shared by BICO and MLM-U: the whole sequence is the input (length L); chosen tokens are replaced by
/// a placeholder id and removed as keys (they still act as queries); output position i − 1 is scored against the
/// original token at a masked input position i (all other targets −100); attention is
/// <see cref="AttentionMaskPolicy.Bico"/> (every key, sine-negated RoPE for keys after the query).
/// </summary>
/// <remarks>Position 0 is never chosen (no output predicts it), nor is padding, BOS or EOS. For each row the caller's
/// <c>rowRate</c> is drawn first, then one uniform number per maskable token (in position order) decides whether it is
/// masked: <c>masked ⇔ u &lt; rate</c>.</remarks>
internal static class PlaceholderDenoising
{
    public static ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context,
        Func<SeededRandom, double> rowRate, int? placeholderId, string name)
    {
        int length = CausalBatchLayout.CheckExamples(examples, context, inputsIncludeLastToken: true);
        var special = context.SpecialTokens;
        int placeholder = placeholderId ?? special.Unk;
        var layout = new CausalBatchLayout(examples.Count, length, special.Pad);
        for (int b = 0; b < examples.Count; b++)
        {
            var ids = examples[b].Ids;
            double rate = rowRate(context.Random);
            for (int t = 0; t < ids.Length; t++)
            {
                bool masked = t > 0 && !special.IsStructural(ids[t]) && context.Random.NextDouble() < rate;
                layout.SetInput(b, t, masked ? placeholder : ids[t]);
                if (!masked) continue;
                layout.HideKey(b, t);
                layout.SetTarget(b, t - 1, ids[t]);
            }
        }
        return layout.ToBatch(AttentionMaskPolicy.Bico, name);
    }
}
