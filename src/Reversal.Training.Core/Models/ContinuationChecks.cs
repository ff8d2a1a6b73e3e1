namespace Reversal.Training.Models;

/// <summary>
/// The argument checks and batching rule every <see cref="IContinuationScoringModel"/> implementation shares, so the
/// engines refuse the same input with the same message.
/// </summary>
public static class ContinuationChecks
{
    /// <summary>Checks the arguments of <see cref="IContinuationScoringModel.ContinuationLogProbabilities"/>.</summary>
    /// <param name="prefix">The shared prefix.</param>
    /// <param name="continuations">The continuations.</param>
    /// <param name="batchSize">Continuations per forward.</param>
    /// <param name="vocabSize">The model's vocabulary V.</param>
    /// <param name="contextLength">The model's context.</param>
    /// <returns>The longest continuation's length (0 when there is none).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The prefix or a continuation is empty, an id is outside <c>[0, V)</c>, or
    /// prefix plus a continuation exceed the context; the message names the continuation and position.</exception>
    public static int Validate(int[] prefix, IReadOnlyList<int[]> continuations, int batchSize, int vocabSize, int contextLength)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(continuations);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (prefix.Length == 0) throw new ArgumentException("The prefix is empty (it needs at least one token, e.g. BOS).", nameof(prefix));
        for (int k = 0; k < prefix.Length; k++)
            if ((uint)prefix[k] >= (uint)vocabSize)
                throw new ArgumentException($"Prefix token id {prefix[k]} at position {k} is outside the vocabulary [0, {vocabSize}).", nameof(prefix));
        int longest = 0;
        for (int i = 0; i < continuations.Count; i++)
        {
            int[] ids = continuations[i];
            if (ids is null || ids.Length == 0) throw new ArgumentException($"Continuation {i} is empty (nothing to score).", nameof(continuations));
            for (int k = 0; k < ids.Length; k++)
                if ((uint)ids[k] >= (uint)vocabSize)
                    throw new ArgumentException($"Continuation {i}: token id {ids[k]} at position {k} is outside the vocabulary [0, {vocabSize}).", nameof(continuations));
            if (prefix.Length + ids.Length > contextLength)
                throw new ArgumentException(
                    $"Continuation {i}: the prefix ({prefix.Length} tokens) and the continuation ({ids.Length} tokens) exceed the model's context of {contextLength} tokens.",
                    nameof(continuations));
            longest = Math.Max(longest, ids.Length);
        }
        return longest;
    }

    /// <summary>Rows per forward for <paramref name="count"/> continuations in batches of at most
    /// <paramref name="batchSize"/>, the batches of equal size (130 at 64: three of 44, not 64 + 64 + 2).</summary>
    public static int BatchRows(int count, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int batches = (count + batchSize - 1) / batchSize;
        return (count + batches - 1) / batches;
    }
}
