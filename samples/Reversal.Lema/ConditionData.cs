using Reversal.Training.Data.Jsonl;
using Reversal.Training.Randomness;

namespace Reversal.Lema;

/// <summary>One training condition of the experiment: its name and rows.</summary>
internal sealed record ConditionData(string Key, string Name, IReadOnlyList<PromptCompletion> Rows)
{
    /// <summary>
    /// CoT rows plus augmentation rows taken in a seeded random order (cycling when they run out) until the total
    /// token count is as close as it gets to <paramref name="targetTokens"/>: condition (ii).
    /// </summary>
    public static IReadOnlyList<PromptCompletion> FillToTokens(IReadOnlyList<PromptCompletion> cot, IReadOnlyList<PromptCompletion> augmentation,
        Func<PromptCompletion, int> tokens, long targetTokens, long seed)
    {
        var rows = new List<PromptCompletion>(cot);
        long total = cot.Sum(r => (long)tokens(r));
        if (augmentation.Count == 0) return rows;
        var order = Enumerable.Range(0, augmentation.Count).ToArray();
        new SeededRandom(seed).Shuffle(order.AsSpan());
        for (int i = 0; total < targetTokens; i++)
        {
            var row = augmentation[order[i % order.Length]];
            int n = tokens(row);
            if (total + n - targetTokens > targetTokens - total) break;
            rows.Add(row);
            total += n;
        }
        return rows;
    }
}
