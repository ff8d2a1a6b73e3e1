using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// Scores a model on the reversal-curse test splits (Berglund et al.) in two ways: greedy decoding with exact-prefix
/// matching, per <see cref="ICompletionDecoder"/>, and likelihood rank@1 among the split's distinct completions.
/// </summary>
/// <remarks>
/// <para><b>Greedy</b> (per decoder): the prompt is BOS + <c>Encode(prompt)</c>; the decoder produces up to (target
/// token count + <see cref="ReversalCurseEvaluatorOptions.ExtraNewTokens"/>) tokens, stopping at EOS (tokens from the
/// first EOS, or the first id outside the tokenizer's vocabulary, on are ignored). The answer is <c>Decode(tokens, skipSpecialTokens: true)</c>; the target is the
/// completion, cut to its first <see cref="ReversalCurseEvaluatorOptions.DescriptionWords"/> words for
/// <see cref="TargetKind.Description"/> splits, and passed through the tokenizer (<c>Decode(Encode(target))</c>, special
/// tokens written out, so a target holding a word the tokenizer cannot represent can never be matched). The row is
/// correct when <see cref="AnswerText.StartsWithTarget"/> holds.</para>
/// <para><b>Rank@1</b>: the candidates are the split's distinct completions after trimming (the whole split, even with
/// <see cref="ReversalCurseEvaluatorOptions.MaxPerSplit"/>); each is tokenised as its first occurrence (no BOS/EOS) and
/// scored with <see cref="SequenceScorer"/> after BOS + prompt. A row is correct when its own completion has strictly
/// the highest log-likelihood (ties are wrong). Chance is 1 / candidates.</para>
/// <para>Split order: the four Berglund splits in <see cref="ReversalSplits.All"/> order, then any other split in
/// ordinal order.</para>
/// </remarks>
public sealed class ReversalCurseEvaluator
{
    /// <summary>Stage name of likelihood scoring in <see cref="EvaluationProgress.Stage"/> and the reserved key in reports.</summary>
    public const string Rank1Stage = "rank1";

    /// <summary>Names no decoder may have, as they are keys of the report's JSON next to decoder names.</summary>
    private static readonly string[] ReservedNames = [Rank1Stage, "chance"];

    private readonly Func<IReadOnlyList<PromptCompletionIds>, Action<int>?, CancellationToken, double[]> _score;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="model">The model to evaluate.</param>
    /// <param name="tokenizer">The tokenizer the model was trained with.</param>
    /// <param name="options">Scoring settings; null means the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="tokenizer"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the tokenizer has more ids than the model's vocabulary.</exception>
    public ReversalCurseEvaluator(ICausalLanguageModel model, ITokenizer tokenizer, ReversalCurseEvaluatorOptions? options = null)
        : this(model, tokenizer, options, null)
    {
    }

    /// <summary>Test seam: <paramref name="score"/> replaces <see cref="SequenceScorer"/> for rank@1 when not null.</summary>
    internal ReversalCurseEvaluator(
        ICausalLanguageModel model, ITokenizer tokenizer, ReversalCurseEvaluatorOptions? options,
        Func<IReadOnlyList<PromptCompletionIds>, Action<int>?, CancellationToken, double[]>? score)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new ReversalCurseEvaluatorOptions();
        options.Validate();
        if (tokenizer.VocabSize > model.VocabSize)
            throw new ArgumentException(
                $"The tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary has only {model.VocabSize}.", nameof(tokenizer));
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        if (score is null)
        {
            var scorer = new SequenceScorer(model, options.BatchSize);
            score = scorer.Score;
        }
        _score = score;
    }

    /// <summary>The model being evaluated.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The scoring settings.</summary>
    public ReversalCurseEvaluatorOptions Options { get; }

    /// <summary>Scores every test split of <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The data set; its <see cref="ReversalCurseDataset.TestSplits"/> are evaluated.</param>
    /// <param name="decoders">The decoders greedy scoring runs (e.g. <see cref="CausalGreedyDecoder.Instance"/>);
    /// names must be distinct and not <c>rank1</c> or <c>chance</c>. May be empty (rank@1 only).</param>
    /// <param name="progress">Receives progress after every row and every scoring batch; may be null.</param>
    /// <param name="cancellationToken">Checked between rows and batches.</param>
    /// <returns>The scores of every split.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A decoder is null or its name is empty, repeated or reserved; a split has no
    /// target kind in <see cref="ReversalCurseEvaluatorOptions.TargetKinds"/>, no rows, or a row that is empty or too long
    /// for the model's context (the message names the split and row).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ReversalCurseResult Evaluate(
        ReversalCurseDataset dataset, IReadOnlyList<ICompletionDecoder> decoders,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Evaluate(dataset.TestSplits, decoders, progress, cancellationToken);
    }

    /// <summary>Scores every split of <paramref name="splits"/> (split name -&gt; rows).</summary>
    /// <param name="splits">The test rows keyed by split name.</param>
    /// <param name="decoders">The decoders greedy scoring runs; see
    /// <see cref="Evaluate(ReversalCurseDataset, IReadOnlyList{ICompletionDecoder}, IProgress{EvaluationProgress}, CancellationToken)"/>.</param>
    /// <param name="progress">Receives progress after every row and every scoring batch; may be null.</param>
    /// <param name="cancellationToken">Checked between rows and batches.</param>
    /// <returns>The scores of every split.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">See
    /// <see cref="Evaluate(ReversalCurseDataset, IReadOnlyList{ICompletionDecoder}, IProgress{EvaluationProgress}, CancellationToken)"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ReversalCurseResult Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> splits, IReadOnlyList<ICompletionDecoder> decoders,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(decoders);
        ValidateDecoders(decoders);

        string[] order = SplitOrder.Sort(splits.Keys);
        // Prepare (and so validate) every split before any model work, so a bad row fails fast.
        var prepared = new PreparedSplit[order.Length];
        for (int s = 0; s < order.Length; s++)
            prepared[s] = Prepare(order[s], splits[order[s]]);

        var results = new SplitResult[order.Length];
        for (int s = 0; s < order.Length; s++)
            results[s] = EvaluateSplit(prepared[s], s, order.Length, decoders, progress, cancellationToken);
        return new ReversalCurseResult(results);
    }

    private static void ValidateDecoders(IReadOnlyList<ICompletionDecoder> decoders)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < decoders.Count; i++)
        {
            ICompletionDecoder decoder = decoders[i] ?? throw new ArgumentException($"The decoder at index {i} is null.", nameof(decoders));
            string name = decoder.Name;
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException($"The decoder at index {i} has an empty name.", nameof(decoders));
            if (ReservedNames.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException($"The decoder at index {i} is named '{name}', which is reserved for rank@1 reporting.", nameof(decoders));
            if (!names.Add(name))
                throw new ArgumentException($"Two decoders are named '{name}'; report columns need distinct names.", nameof(decoders));
        }
    }

    /// <summary>Tokenises a split and builds its candidate list, checking every row.</summary>
    private PreparedSplit Prepare(string split, IReadOnlyList<PromptCompletion> rows)
    {
        if (rows is null) throw new ArgumentException($"Split '{split}' is null.", "splits");
        if (rows.Count == 0) throw new ArgumentException($"Split '{split}' has no rows.", "splits");
        if (!Options.TargetKinds.TryGetValue(split, out TargetKind kind))
            throw new ArgumentException(
                $"Split '{split}' has no target kind; add it to ReversalCurseEvaluatorOptions.TargetKinds.", "splits");

        // Candidates: distinct trimmed completions of the whole split, tokenised as first seen.
        var candidateIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidateIds = new List<int[]>();
        var trueCandidate = new int[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            PromptCompletion row = rows[r] ?? throw new ArgumentException($"Split '{split}' row {r} is null.", "splits");
            string key = row.Completion.Trim();
            if (key.Length == 0) throw new ArgumentException($"Split '{split}' row {r} has an empty completion.", "splits");
            if (!candidateIndex.TryGetValue(key, out int index))
            {
                int[] ids = Tokenizer.Encode(row.Completion);
                if (ids.Length == 0)
                    throw new ArgumentException($"Split '{split}' row {r}: the completion '{row.Completion}' encodes to no tokens.", "splits");
                index = candidateIds.Count;
                candidateIndex.Add(key, index);
                candidateIds.Add(ids);
            }
            trueCandidate[r] = index;
        }

        int count = Math.Min(rows.Count, Options.MaxPerSplit ?? int.MaxValue);
        int context = Model.ContextLength;
        int longestCandidate = candidateIds.Max(ids => ids.Length);
        var prompts = new int[count][];
        for (int r = 0; r < count; r++)
        {
            prompts[r] = Tokenizer.Encode(rows[r].Prompt, addBos: true);
            if (prompts[r].Length + longestCandidate > context)
                throw new ArgumentException(
                    $"Split '{split}' row {r}: the prompt ({prompts[r].Length} tokens with BOS) followed by the longest candidate " +
                    $"({longestCandidate} tokens) exceeds the model's context of {context} tokens.", "splits");
        }
        return new PreparedSplit(split, kind, rows, count, prompts, [.. candidateIds], trueCandidate);
    }

    private SplitResult EvaluateSplit(
        PreparedSplit split, int splitIndex, int splitCount, IReadOnlyList<ICompletionDecoder> decoders,
        IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        int count = split.Count;
        int total = count * (decoders.Count + 1);
        int done = 0;
        void Report(string stage) => progress?.Report(new EvaluationProgress(split.Name, splitIndex, splitCount, stage, done, total));

        // Greedy targets, shared by every decoder.
        var targets = new string[count];
        var budgets = new int[count];
        for (int r = 0; r < count; r++)
        {
            string completion = split.Rows[r].Completion;
            string target = split.Kind == TargetKind.Description ? AnswerText.FirstWords(completion, Options.DescriptionWords) : completion;
            int[] targetIds = Tokenizer.Encode(target);
            targets[r] = Tokenizer.Decode(targetIds, skipSpecialTokens: false);
            budgets[r] = targetIds.Length + Options.ExtraNewTokens;
        }

        int eos = Tokenizer.SpecialTokens.Eos;
        var greedy = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (ICompletionDecoder decoder in decoders)
        {
            Report(decoder.Name);
            int correct = 0;
            for (int r = 0; r < count; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int[] output;
                output = decoder.Decode(Model, (int[])split.Prompts[r].Clone(), budgets[r], eos)
                        ?? throw new InvalidOperationException($"Decoder '{decoder.Name}' returned null.");
                if (IsCorrect(output, targets[r], eos)) correct++;
                done++;
                Report(decoder.Name);
            }
            greedy[decoder.Name] = (double)correct / count;
        }

        // Rank@1: every (prompt, candidate) pair of the split in one scoring call.
        int candidates = split.Candidates.Length;
        var pairs = new PromptCompletionIds[count * candidates];
        for (int r = 0; r < count; r++)
            for (int c = 0; c < candidates; c++)
                pairs[r * candidates + c] = new PromptCompletionIds(split.Prompts[r], split.Candidates[c]);
        int greedyDone = done;
        Report(Rank1Stage);
        double[] scores = _score(pairs, scored =>
        {
            done = greedyDone + scored / candidates;
            Report(Rank1Stage);
        }, cancellationToken);
        done = greedyDone + count;
        int rankCorrect = LikelihoodRanking.CountCorrect(scores, candidates, new ArraySegment<int>(split.TrueCandidate, 0, count));

        return new SplitResult
        {
            Split = split.Name,
            TargetKind = split.Kind,
            Count = count,
            Candidates = candidates,
            Greedy = greedy,
            Rank1 = (double)rankCorrect / count,
            Chance = 1.0 / candidates,
        };
    }

    /// <summary>
    /// Greedy rule: the decoded text starts with the target. The answer ends before the first stop id, or before the
    /// first id the tokenizer cannot decode (a model vocabulary may be larger than the tokenizer's); special tokens are
    /// skipped.
    /// </summary>
    private bool IsCorrect(int[] output, string target, int eos)
    {
        int end = 0;
        while (end < output.Length && output[end] != eos && (uint)output[end] < (uint)Tokenizer.VocabSize) end++;
        return AnswerText.StartsWithTarget(Tokenizer.Decode(output.AsSpan(0, end), skipSpecialTokens: true), target);
    }

    /// <summary>A split ready for scoring.</summary>
    private sealed record PreparedSplit(
        string Name, TargetKind Kind, IReadOnlyList<PromptCompletion> Rows, int Count,
        int[][] Prompts, int[][] Candidates, int[] TrueCandidate);
}
