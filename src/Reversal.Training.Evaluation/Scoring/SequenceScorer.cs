using Reversal.Training.Attention;
using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.Training.Evaluation.Scoring;

/// <summary>
/// Computes, without gradients and in padded batches, the summed log-probability of a completion given its prompt:
/// <c>log p(c | p) = Σ_j log softmax(logits[position of the token before c_j])[c_j]</c>.
/// </summary>
/// <remarks>
/// <para>Sequences (prompt followed by completion) are sorted by length, grouped into batches of up to
/// <see cref="BatchSize"/>, padded on the right and run through one causal
/// <see cref="ICausalLanguageModel.TargetLogProbabilities"/> per batch with the key mask false on padding. Under the causal mask a real token never sees the padding after
/// it, so a score does not depend on which other sequences share its batch (up to float rounding). The last token
/// of the longest sequence is never fed as input, since no completion token is predicted from it.</para>
/// <para>Each log-softmax is max-subtracted and accumulated in double.</para>
/// <para><b>Shared prompts.</b> When the model is an <see cref="IContinuationScoringModel"/> (both engines' models are)
/// and <see cref="SharesPrompts"/> is set, pairs with the same prompt (at least <see cref="MinimumSharedCompletions"/>
/// of them) are scored together: the prompt runs once and its keys and values serve every completion (<see cref="IContinuationScoringModel.ContinuationLogProbabilities"/>), which
/// turns rank@1's prompts × candidates × (prompt + candidate) tokens into prompts × (prompt + Σ candidate) tokens. The
/// scores equal the padded-batch ones up to float rounding.</para>
/// </remarks>
public sealed class SequenceScorer
{
    /// <summary>Default number of sequences per forward pass.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Creates a scorer for <paramref name="model"/>.</summary>
    /// <param name="model">The model whose likelihoods are computed.</param>
    /// <param name="batchSize">Sequences per forward pass (at least 1).</param>
    /// <param name="sharePrompts">Run each distinct prompt once for all its completions when the model supports it
    /// (false: every pair is scored alone in padded batches, the reference path).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
    public SequenceScorer(ICausalLanguageModel model, int batchSize = DefaultBatchSize, bool sharePrompts = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Model = model;
        BatchSize = batchSize;
        SharesPrompts = sharePrompts;
    }

    /// <summary>True when pairs with the same prompt are scored over one run of the prompt (where the model supports it).</summary>
    public bool SharesPrompts { get; }

    /// <summary>A prompt is shared when at least this many pairs have it; the pairs of rarer prompts go into padded
    /// batches with the rest.</summary>
    public const int MinimumSharedCompletions = 4;

    /// <summary>The model being scored.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>Sequences per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Mean per-token loss <c>−logProbability / tokenCount</c> of a completion of <paramref name="tokenCount"/> tokens.</summary>
    /// <param name="logProbability">The summed log-probability, e.g. from <see cref="Score(IReadOnlyList{PromptCompletionIds}, CancellationToken)"/>.</param>
    /// <param name="tokenCount">The number of completion tokens (at least 1).</param>
    /// <returns>The mean negative log-likelihood per token, in nats.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenCount"/> is below 1.</exception>
    public static double MeanTokenLoss(double logProbability, int tokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenCount, 1);
        return -logProbability / tokenCount;
    }

    /// <summary>The summed log-probability of one completion given its prompt.</summary>
    /// <param name="promptIds">The conditioning ids (at least one, usually starting with BOS).</param>
    /// <param name="completionIds">The scored ids (at least one).</param>
    /// <returns><c>log p(completion | prompt)</c> (at most 0).</returns>
    /// <exception cref="ArgumentException">See <see cref="Score(IReadOnlyList{PromptCompletionIds}, CancellationToken)"/>.</exception>
    public double Score(int[] promptIds, int[] completionIds) => Score([new PromptCompletionIds(promptIds, completionIds)])[0];

    /// <summary>The summed log-probability of every pair's completion given its prompt.</summary>
    /// <param name="pairs">The (prompt, completion) pairs.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>One log-probability per pair, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentException">A pair has a null or empty prompt or completion, an id outside the model's
    /// vocabulary, or more tokens in total than the model's context; the message names the pair index and the
    /// problem.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public double[] Score(IReadOnlyList<PromptCompletionIds> pairs, CancellationToken cancellationToken = default) =>
        Score(pairs, null, cancellationToken);

    /// <summary>
    /// Mean per-token loss (<see cref="MeanTokenLoss"/>) of every pair's completion given its prompt, e.g. a whole
    /// document as completion after a BOS prompt.
    /// </summary>
    /// <param name="pairs">The (prompt, completion) pairs.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>One loss per pair, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentException">See <see cref="Score(IReadOnlyList{PromptCompletionIds}, CancellationToken)"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public double[] MeanTokenLosses(IReadOnlyList<PromptCompletionIds> pairs, CancellationToken cancellationToken = default)
    {
        double[] scores = Score(pairs, cancellationToken);
        var losses = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++) losses[i] = MeanTokenLoss(scores[i], pairs[i].CompletionIds.Length);
        return losses;
    }

    /// <summary>Scores <paramref name="pairs"/>, calling <paramref name="onBatchScored"/> with the number of pairs
    /// scored so far after every batch.</summary>
    internal double[] Score(IReadOnlyList<PromptCompletionIds> pairs, Action<int>? onBatchScored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        Validate(pairs);
        var results = new double[pairs.Count];
        if (pairs.Count == 0) return results;
        int done = 0;
        int[] order = new int[pairs.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (SharesPrompts && Model is IContinuationScoringModel continuations)
        {
            order = ScoreSharedPrompts(continuations, pairs, results, onBatchScored, cancellationToken);
            done = pairs.Count - order.Length;
        }

        // Shortest first (stable), so batches hold sequences of similar length and little padding.
        int[] lengths = new int[pairs.Count];
        for (int i = 0; i < lengths.Length; i++) lengths[i] = pairs[i].TotalLength;
        order = [.. order.OrderBy(i => lengths[i])];

        for (int start = 0; start < order.Length; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(BatchSize, order.Length - start);
            ScoreBatch(pairs, order.AsSpan(start, count), results);
            done += count;
            onBatchScored?.Invoke(done);
        }
        return results;
    }

    /// <summary>
    /// Groups the pairs by prompt (equal ids), in order of first appearance, and scores the completions of every prompt
    /// with at least <see cref="MinimumSharedCompletions"/> of them over one run of the prompt; returns the indices of
    /// the other pairs, left for padded batches (a prompt with one or two completions saves too little to pay for a
    /// forward of its own).
    /// </summary>
    private int[] ScoreSharedPrompts(IContinuationScoringModel model, IReadOnlyList<PromptCompletionIds> pairs, double[] results,
        Action<int>? onBatchScored, CancellationToken cancellationToken)
    {
        var groups = new Dictionary<int[], List<int>>(PromptComparer.Instance);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (!groups.TryGetValue(pairs[i].PromptIds, out var members)) groups.Add(pairs[i].PromptIds, members = []);
            members.Add(i);
        }
        var rest = new List<int>();
        int done = 0;
        foreach (var (prompt, members) in groups)
        {
            if (members.Count < MinimumSharedCompletions)
            {
                rest.AddRange(members);
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            double[] scores = model.ContinuationLogProbabilities(prompt, [.. members.Select(i => pairs[i].CompletionIds)], BatchSize);
            for (int k = 0; k < members.Count; k++) results[members[k]] = scores[k];
            done += members.Count;
            onBatchScored?.Invoke(done);
        }
        return [.. rest];
    }

    /// <summary>Prompts are equal when their ids are.</summary>
    private sealed class PromptComparer : IEqualityComparer<int[]>
    {
        public static readonly PromptComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(int[] ids)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()));
            return hash.ToHashCode();
        }
    }

    private void ScoreBatch(IReadOnlyList<PromptCompletionIds> pairs, ReadOnlySpan<int> batch, double[] results)
    {
        // Input = every token but the last (its logits predict nothing that is scored).
        int length = 0;
        foreach (int index in batch) length = Math.Max(length, pairs[index].TotalLength - 1);
        int rows = batch.Length;
        var ids = new int[rows * length];
        var keyMask = new bool[rows * length];
        var targets = new int[rows * length];
        Array.Fill(targets, ObjectiveBatch.IgnoreIndex);
        for (int r = 0; r < rows; r++)
        {
            var (prompt, completion) = pairs[batch[r]];
            int offset = r * length;
            int real = prompt.Length + completion.Length - 1;
            prompt.CopyTo(ids, offset);
            completion.AsSpan(0, completion.Length - 1).CopyTo(ids.AsSpan(offset + prompt.Length));
            keyMask.AsSpan(offset, real).Fill(true);
            // Padding keeps id 0 and is hidden as a key; it is always inside the vocabulary.
            for (int j = 0; j < completion.Length; j++)
                targets[offset + prompt.Length - 1 + j] = completion[j]; // predicted from the token before it
        }

        var input = new ModelInput(rows, length, ids, attention: AttentionMaskPolicy.Causal, keyMask: keyMask);
        double[] logProbabilities = Model.TargetLogProbabilities(input, targets);
        for (int r = 0; r < rows; r++)
        {
            var (prompt, completion) = pairs[batch[r]];
            double sum = 0;
            for (int j = 0; j < completion.Length; j++) sum += logProbabilities[r * length + prompt.Length - 1 + j];
            results[batch[r]] = sum;
        }
    }

    private void Validate(IReadOnlyList<PromptCompletionIds> pairs)
    {
        int vocab = Model.VocabSize;
        int context = Model.ContextLength;
        for (int i = 0; i < pairs.Count; i++)
        {
            var (prompt, completion) = pairs[i];
            if (prompt is null || prompt.Length == 0)
                throw new ArgumentException($"Pair {i}: the prompt is empty (it needs at least one token, e.g. BOS).", nameof(pairs));
            if (completion is null || completion.Length == 0)
                throw new ArgumentException($"Pair {i}: the completion is empty (nothing to score).", nameof(pairs));
            CheckIds(prompt, "prompt", i, vocab);
            CheckIds(completion, "completion", i, vocab);
            if (prompt.Length + completion.Length > context)
                throw new ArgumentException(
                    $"Pair {i}: prompt ({prompt.Length} tokens) + completion ({completion.Length} tokens) exceed the model's context of {context} tokens.",
                    nameof(pairs));
        }
    }

    private static void CheckIds(int[] ids, string part, int pair, int vocab)
    {
        for (int k = 0; k < ids.Length; k++)
            if ((uint)ids[k] >= (uint)vocab)
                throw new ArgumentException(
                    $"Pair {pair}: {part} token id {ids[k]} at position {k} is outside the model's vocabulary [0, {vocab}).", "pairs");
    }
}
