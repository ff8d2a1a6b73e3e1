using Reversal.Training.Attention;
using Reversal.Training.Models;
using Reversal.Training.Randomness;

namespace Reversal.Training.TestSupport.Models;

/// <summary>
/// Decoding after a bidirectional prefix as infill decoding does it, for checking <see cref="IPrefixDecodingSession"/>
/// implementations: per row a random prompt, Part A's mask and EOS (the prefix), then [sop] at the mask's position, so
/// [sop] sees EOS one position ahead of it (a mirrored pair); then seven one-column steps in which rows sit out some
/// steps and step 3 places row 0's token at position 1, behind most of its cached keys (mirrored pairs after the
/// prefix too).
/// </summary>
public static class PrefixDecodingScenario
{
    /// <summary>
    /// Feeds the scenario's calls to a prefix session of every model in <paramref name="models"/> (same vocabulary) and
    /// after each call, for each row, hands <paramref name="check"/> the call and row (e.g. "step 3, row 0"), each
    /// session's logits <c>[V]</c> for the row, and the logits of one full forward of the first model over the row's
    /// kept tokens with the same position ids under <c>PrefixBidirectional</c>.
    /// </summary>
    /// <param name="models">The models; each must start <see cref="IPrefixDecodingSession"/>s.</param>
    /// <param name="seed">Seed of the token ids and of which rows sit out.</param>
    /// <param name="promptLengths">One prompt length per row.</param>
    /// <param name="capacity">Capacity of the sessions (at least the longest prompt + 10).</param>
    /// <param name="check">Receives (call and row, logits per model, full-forward logits).</param>
    /// <returns>Tokens each row holds at the end, from the first session.</returns>
    public static int[] Run(IReadOnlyList<ICausalLanguageModel> models, int seed, int[] promptLengths, int capacity, Action<string, float[][], float[]> check)
    {
        var reference = models[0];
        int vocab = reference.VocabSize, rows = promptLengths.Length;
        var random = new SeededRandom(seed + 10);
        var rowIds = promptLengths.Select(_ => new List<int>()).ToArray();
        var rowPositions = promptLengths.Select(_ => new List<int>()).ToArray();
        int[] prefixes = [.. promptLengths.Select(n => n + 2)];
        int width = promptLengths.Max() + 3;
        var ids = new int[rows * width];
        var keep = new bool[ids.Length];
        var positions = new int[ids.Length];
        for (int b = 0; b < rows; b++)
        {
            int length = promptLengths[b] + 3, mask = promptLengths[b];
            for (int i = 0; i < length; i++)
            {
                int id = random.NextInt(vocab), position = i < length - 1 ? i : mask;
                (ids[b * width + i], keep[b * width + i], positions[b * width + i]) = (id, true, position);
                rowIds[b].Add(id);
                rowPositions[b].Add(position);
            }
        }
        var sessions = models.Select(m => (IPrefixDecodingSession)m.StartDecoding(rows, capacity)).ToArray();
        try
        {
            void Check(string call, float[][] logits)
            {
                for (int b = 0; b < rows; b++)
                {
                    var input = new ModelInput(1, rowIds[b].Count, [.. rowIds[b]], [.. rowPositions[b]], AttentionMaskPolicy.PrefixBidirectional([prefixes[b]]));
                    check($"{call}, row {b}", [.. logits.Select(l => l[(b * vocab)..((b + 1) * vocab)])], reference.Logits(input, [rowIds[b].Count - 1]));
                }
            }

            Check("prefill", [.. sessions.Select(s => s.Prefill(ids, keep, positions, prefixes))]);
            for (int step = 0; step < 7; step++)
            {
                var stepIds = new int[rows];
                var stepKeep = new bool[rows];
                var stepPositions = new int[rows];
                for (int b = 0; b < rows; b++)
                {
                    stepKeep[b] = random.NextInt(4) > 0 || step == 3;
                    if (!stepKeep[b]) continue;
                    stepIds[b] = random.NextInt(vocab);
                    stepPositions[b] = step == 3 && b == 0 ? 1 : rowPositions[b][^1] + 1;
                    rowIds[b].Add(stepIds[b]);
                    rowPositions[b].Add(stepPositions[b]);
                }
                Check($"step {step}", [.. sessions.Select(s => s.Append(stepIds, stepKeep, stepPositions))]);
            }
            return [.. Enumerable.Range(0, rows).Select(sessions[0].Length)];
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
        }
    }
}
