using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Data.Jsonl;
using Reversal.Training.Data.ReversalCurse;
using Reversal.Training.Data.Tokenization;
using Reversal.Training.Evaluation.Metrics;
using Reversal.Training.Evaluation.Scoring;

namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// Scores a model on the reversal-curse test splits (Berglund et al.) with the metrics of
/// <see cref="ReversalCurseMetrics"/>: generation metrics per <see cref="ICompletionDecoder"/> and likelihood metrics.
/// </summary>
/// <remarks>
/// <para><b>Decoding</b> (per decoder, when a generation metric is selected): the prompt is BOS + <c>Encode(prompt)</c>;
/// all rows of a split are decoded in batches of <see cref="ReversalCurseEvaluatorOptions.DecodingBatchSize"/>, row r with
/// a budget of the largest token count a selected metric needs, stopping at EOS. Tokens from the first EOS, or the first
/// id outside the tokenizer's vocabulary, on are ignored, and an answer is <c>Decode(tokens, skipSpecialTokens: true)</c>.
/// Targets pass through the tokenizer (<c>Decode(Encode(target))</c>, special tokens written out, so a target holding
/// a word the tokenizer cannot represent can never be matched). Greedy decoding of a prefix of the budget equals
/// decoding with the shorter budget, so each metric reads the answer it would have had alone.</para>
/// <para><b>Berglund starts-with</b>: the answer of the first (target tokens + <see cref="ReversalCurseEvaluatorOptions.ExtraNewTokens"/>)
/// tokens, normalised, starts with the normalised target (<see cref="AnswerText.StartsWithTarget"/>): the full
/// completion, or its first <see cref="ReversalCurseEvaluatorOptions.DescriptionWords"/> words when that lenient
/// variant is set for <see cref="TargetKind.Description"/> splits.</para>
/// <para><b>BICO name substring</b> (name splits): the normalised target occurs in the normalised answer of the first
/// <see cref="ReversalCurseEvaluatorOptions.BicoNewTokens"/> tokens. <b>BICO BLEU</b> (description splits): mean
/// <see cref="SentenceBleu"/> of that answer against the target, both normalised.</para>
/// <para><b>Rank@1</b>: the candidates are the split's distinct completions after trimming (the whole split, even with
/// <see cref="ReversalCurseEvaluatorOptions.MaxPerSplit"/>); each is tokenised as its first occurrence (no BOS/EOS) and
/// scored with <see cref="SequenceScorer"/> after BOS + prompt. A row is correct when its own completion has strictly
/// the highest summed log-likelihood (ties are wrong); rank@1 by mean divides each candidate's sum by its token count
/// first. Chance is 1 / candidates.</para>
/// <para><b>Randomized test</b>: for the splits with randomized rows (same prompts in the same order), each row's true
/// and randomized completions are scored after BOS + prompt (<see cref="RandomizedComparison"/>).</para>
/// <para>Split order: the four Berglund splits in <see cref="ReversalSplits.All"/> order, then any other split in
/// ordinal order.</para>
/// </remarks>
public sealed class ReversalCurseEvaluator
{
    /// <summary>Stage name of likelihood scoring in <see cref="EvaluationProgress.Stage"/> and the reserved key in reports.</summary>
    public const string Rank1Stage = "rank1";

    /// <summary>Stage name of the randomized test in <see cref="EvaluationProgress.Stage"/>.</summary>
    public const string RandomizedStage = "randomized";

    /// <summary>Names no decoder may have, as they are keys of the report's JSON next to decoder names.</summary>
    internal static readonly string[] ReservedNames = [Rank1Stage, "chance", "rank1_sum", "rank1_mean", "count", "candidates", "decoders", RandomizedStage];

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
            var scorer = new SequenceScorer(model, options.BatchSize, options.SharePromptsInScoring);
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
    /// <param name="dataset">The data set; its <see cref="ReversalCurseDataset.TestSplits"/> are evaluated, and its
    /// <see cref="ReversalCurseDataset.RandomizedSplits"/> feed the randomized test.</param>
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
        return Evaluate(dataset.TestSplits, dataset.RandomizedSplits, decoders, progress, cancellationToken);
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
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Evaluate(splits, null, decoders, progress, cancellationToken);

    /// <summary>Scores every split of <paramref name="splits"/>, with the randomized test on the splits of
    /// <paramref name="randomizedSplits"/>.</summary>
    /// <param name="splits">The test rows keyed by split name.</param>
    /// <param name="randomizedSplits">Per split name, rows with the same prompts in the same order and another
    /// person's completion (the Berglund <c>*_randomized</c> files); null or missing splits skip the test.</param>
    /// <param name="decoders">The decoders the generation metrics run.</param>
    /// <param name="progress">Receives progress after every batch; may be null.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>The scores of every split.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">See
    /// <see cref="Evaluate(ReversalCurseDataset, IReadOnlyList{ICompletionDecoder}, IProgress{EvaluationProgress}, CancellationToken)"/>;
    /// also a randomized split whose rows do not pair with the test split's (count or prompt differs; the message names
    /// the row).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ReversalCurseResult Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>> splits,
        IReadOnlyDictionary<string, IReadOnlyList<PromptCompletion>>? randomizedSplits,
        IReadOnlyList<ICompletionDecoder> decoders,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(decoders);
        ValidateDecoders(decoders);

        string[] order = SplitOrder.Sort(splits.Keys);
        // Prepare (and so validate) every split before any model work, so a bad row fails fast.
        var prepared = new PreparedSplit[order.Length];
        for (int s = 0; s < order.Length; s++)
        {
            IReadOnlyList<PromptCompletion>? randomized = null;
            randomizedSplits?.TryGetValue(order[s], out randomized);
            prepared[s] = Prepare(order[s], splits[order[s]], randomized);
        }

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
    private PreparedSplit Prepare(string split, IReadOnlyList<PromptCompletion> rows, IReadOnlyList<PromptCompletion>? randomized)
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
        int[][]? randomIds = null, trueIds = null;
        if (randomized is not null && Options.Metrics.HasFlag(ReversalCurseMetrics.RandomizedLogProbability))
        {
            if (randomized.Count != rows.Count)
                throw new ArgumentException($"Split '{split}' has {rows.Count} rows but its randomized counterpart has {randomized.Count}.", "randomizedSplits");
            randomIds = new int[count][];
            trueIds = new int[count][];
            for (int r = 0; r < count; r++)
            {
                PromptCompletion random = randomized[r] ?? throw new ArgumentException($"Randomized split '{split}' row {r} is null.", "randomizedSplits");
                if (!string.Equals(random.Prompt, rows[r].Prompt, StringComparison.Ordinal))
                    throw new ArgumentException($"Randomized split '{split}' row {r} has another prompt than the test row ('{random.Prompt}' vs '{rows[r].Prompt}').", "randomizedSplits");
                randomIds[r] = Tokenizer.Encode(random.Completion);
                trueIds[r] = Tokenizer.Encode(rows[r].Completion);
                if (randomIds[r].Length == 0)
                    throw new ArgumentException($"Randomized split '{split}' row {r}: the completion '{random.Completion}' encodes to no tokens.", "randomizedSplits");
                if (prompts[r].Length + Math.Max(randomIds[r].Length, trueIds[r].Length) > context)
                    throw new ArgumentException($"Randomized split '{split}' row {r}: prompt and completion exceed the model's context of {context} tokens.", "randomizedSplits");
            }
        }
        return new PreparedSplit(split, kind, rows, count, prompts, [.. candidateIds], trueCandidate, trueIds, randomIds);
    }

    private SplitResult EvaluateSplit(
        PreparedSplit split, int splitIndex, int splitCount, IReadOnlyList<ICompletionDecoder> decoders,
        IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        ReversalCurseMetrics metrics = Options.Metrics;
        bool startsWith = metrics.HasFlag(ReversalCurseMetrics.BerglundStartsWith);
        bool bico = split.Kind == TargetKind.Name ? metrics.HasFlag(ReversalCurseMetrics.BicoNameSubstring) : metrics.HasFlag(ReversalCurseMetrics.BicoBleu);
        bool rank = metrics.HasFlag(ReversalCurseMetrics.Rank1);
        bool randomized = split.RandomIds is not null;
        int count = split.Count;
        var runDecoders = startsWith || bico ? decoders : [];
        int total = count * (runDecoders.Count + (rank ? 1 : 0) + (randomized ? 1 : 0));
        int done = 0;
        void Report(string stage) => progress?.Report(new EvaluationProgress(split.Name, splitIndex, splitCount, stage, done, total));

        // Targets and budgets, shared by every decoder.
        var startsWithTargets = new string[count];
        var fullTargets = new string[count];
        var startsWithBudgets = new int[count];
        var budgets = new int[count];
        for (int r = 0; r < count; r++)
        {
            string completion = split.Rows[r].Completion;
            string target = split.Kind == TargetKind.Description && Options.DescriptionWords is int words ? AnswerText.FirstWords(completion, words) : completion;
            int[] targetIds = Tokenizer.Encode(target);
            startsWithTargets[r] = Tokenizer.Decode(targetIds, skipSpecialTokens: false);
            fullTargets[r] = Tokenizer.Decode(Tokenizer.Encode(completion), skipSpecialTokens: false);
            startsWithBudgets[r] = targetIds.Length + Options.ExtraNewTokens;
            budgets[r] = Math.Max(startsWith ? startsWithBudgets[r] : 0, bico ? Options.BicoNewTokens : 0);
        }

        int eos = Tokenizer.SpecialTokens.Eos;
        var greedy = new Dictionary<string, double>(StringComparer.Ordinal);
        var bicoScores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (ICompletionDecoder decoder in runDecoders)
        {
            Report(decoder.Name);
            int correct = 0;
            double bicoSum = 0;
            for (int start = 0; start < count; start += Options.DecodingBatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(Options.DecodingBatchSize, count - start);
                var prompts = new int[rows][];
                for (int i = 0; i < rows; i++) prompts[i] = (int[])split.Prompts[start + i].Clone();
                int[][] outputs = decoder.Decode(Model, prompts, new ArraySegment<int>(budgets, start, rows), eos, Options.DecodingBatchSize)
                    ?? throw new InvalidOperationException($"Decoder '{decoder.Name}' returned null.");
                if (outputs.Length != rows)
                    throw new InvalidOperationException($"Decoder '{decoder.Name}' returned {outputs.Length} rows for {rows} prompts.");
                for (int i = 0; i < rows; i++)
                {
                    int r = start + i;
                    int[] output = outputs[i] ?? throw new InvalidOperationException($"Decoder '{decoder.Name}' returned a null row.");
                    if (startsWith && AnswerText.StartsWithTarget(Answer(output, startsWithBudgets[r], eos), startsWithTargets[r])) correct++;
                    if (bico)
                    {
                        string answer = Answer(output, Options.BicoNewTokens, eos);
                        bicoSum += split.Kind == TargetKind.Name
                            ? (AnswerText.ContainsTarget(answer, fullTargets[r]) ? 1 : 0)
                            : SentenceBleu.Score(AnswerText.Normalize(answer), AnswerText.Normalize(fullTargets[r]), Options.BleuUnit, Options.BleuSmoothing);
                    }
                }
                done += rows;
                Report(decoder.Name);
            }
            if (startsWith) greedy[decoder.Name] = (double)correct / count;
            if (bico) bicoScores[decoder.Name] = bicoSum / count;
        }

        int candidates = split.Candidates.Length;
        double rank1 = double.NaN;
        double? rank1Mean = null;
        if (rank)
        {
            // Every (prompt, candidate) pair of the split in one scoring call.
            var pairs = new PromptCompletionIds[count * candidates];
            for (int r = 0; r < count; r++)
                for (int c = 0; c < candidates; c++)
                    pairs[r * candidates + c] = new PromptCompletionIds(split.Prompts[r], split.Candidates[c]);
            int before = done;
            Report(Rank1Stage);
            double[] scores = _score(pairs, scored =>
            {
                done = before + scored / candidates;
                Report(Rank1Stage);
            }, cancellationToken);
            done = before + count;
            var trueIndices = new ArraySegment<int>(split.TrueCandidate, 0, count);
            rank1 = (double)LikelihoodRanking.CountCorrect(scores, candidates, trueIndices) / count;
            var means = new double[scores.Length];
            for (int i = 0; i < scores.Length; i++) means[i] = scores[i] / split.Candidates[i % candidates].Length;
            rank1Mean = (double)LikelihoodRanking.CountCorrect(means, candidates, trueIndices) / count;
        }

        RandomizedComparison? comparison = null;
        if (randomized)
        {
            var pairs = new PromptCompletionIds[2 * count];
            for (int r = 0; r < count; r++)
            {
                pairs[2 * r] = new PromptCompletionIds(split.Prompts[r], split.TrueIds![r]);
                pairs[2 * r + 1] = new PromptCompletionIds(split.Prompts[r], split.RandomIds![r]);
            }
            int before = done;
            Report(RandomizedStage);
            double[] scores = _score(pairs, scored =>
            {
                done = before + scored / 2;
                Report(RandomizedStage);
            }, cancellationToken);
            done = before + count;
            comparison = RandomizedTest.Compare(scores);
        }

        return new SplitResult
        {
            Split = split.Name,
            TargetKind = split.Kind,
            Count = count,
            Candidates = candidates,
            Greedy = greedy,
            Rank1 = rank1,
            Chance = 1.0 / candidates,
            Rank1Mean = rank1Mean,
            BicoNameSubstring = split.Kind == TargetKind.Name ? bicoScores : new Dictionary<string, double>(),
            BicoBleu = split.Kind == TargetKind.Description ? bicoScores : new Dictionary<string, double>(),
            Randomized = comparison,
        };
    }

    /// <summary>
    /// The answer text of the first <paramref name="budget"/> tokens of <paramref name="output"/>: it ends before the
    /// first stop id, or before the first id the tokenizer cannot decode (a model vocabulary may be larger than the
    /// tokenizer's); special tokens are skipped.
    /// </summary>
    private string Answer(int[] output, int budget, int eos)
    {
        int end = 0, limit = Math.Min(budget, output.Length);
        while (end < limit && output[end] != eos && (uint)output[end] < (uint)Tokenizer.VocabSize) end++;
        return Tokenizer.Decode(output.AsSpan(0, end), skipSpecialTokens: true);
    }

    /// <summary>A split ready for scoring.</summary>
    private sealed record PreparedSplit(
        string Name, TargetKind Kind, IReadOnlyList<PromptCompletion> Rows, int Count,
        int[][] Prompts, int[][] Candidates, int[] TrueCandidate, int[][]? TrueIds, int[][]? RandomIds);
}
