using Reversal.Training.Attention;
using Reversal.Training.Generation;
using Reversal.Training.Models;

namespace Reversal.Training.Objectives;

/// <summary>
/// GLM-style infill decoding for models trained with <see cref="BlankInfilling"/>: Part A is the prompt followed by one
/// <c>[MASK]</c> (and the end-of-sequence token, as in training), then Part B is decoded greedily after <c>[sop]</c>
/// under prefix-bidirectional attention until <c>[eop]</c>. Position ids follow training: the j-th Part B token sits at
/// the mask's position + j.
/// </summary>
/// <remarks>
/// On a model whose decoding session is an <see cref="IPrefixDecodingSession"/> (both engines'), Part A and [sop] run
/// once through a KV cache and every later step feeds one token per row, as causal decoding does; otherwise (or with
/// <c>useKvCache: false</c>) every step re-runs the full forward over Part A and Part B. Both give the same tokens up to
/// float rounding in the logits.
/// </remarks>
public sealed class InfillDecoder : ICompletionDecoder
{
    private readonly BlankInfillingTokens _tokens;
    private readonly int? _endOfSequenceId;

    /// <summary>Creates the decoder.</summary>
    /// <param name="tokens">The blank-infilling special tokens.</param>
    /// <param name="endOfSequenceId">Appended after the <c>[MASK]</c> in Part A (null: nothing appended).</param>
    /// <param name="useKvCache">Decode through the model's KV cache when its session supports a bidirectional prefix
    /// (false: re-run the full forward at every step, the reference path).</param>
    public InfillDecoder(BlankInfillingTokens tokens, int? endOfSequenceId, bool useKvCache = true)
    {
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _endOfSequenceId = endOfSequenceId;
        UsesKvCache = useKvCache;
    }

    /// <summary>True when decoding goes through the model's KV cache where the model supports it.</summary>
    public bool UsesKvCache { get; }

    /// <inheritdoc />
    public string Name => "greedy_infill";

    /// <inheritdoc />
    /// <remarks>Stops at <c>[eop]</c> (not returned) or at <paramref name="stopId"/> (returned).</remarks>
    public int[] Decode(ICausalLanguageModel model, int[] promptIds, int maxNewTokens, int stopId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Length == 0) throw new ArgumentException("Infill decoding needs a non-empty prompt.", nameof(promptIds));
        return Decode(model, [promptIds], [maxNewTokens], stopId, 1)[0];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Rows are sorted by prompt length and decoded <paramref name="batchSize"/> at a time. With the KV cache, Part A and
    /// [sop] of every row are prefilled in one call (right padding is not cached) and each step feeds each active row's
    /// last token; without it, each step runs one forward over the still-active rows, right-padded to the longest
    /// (padding is hidden as a key and comes after every real token, so no real query sees it). Either way each row's
    /// logits are read after its last token, and row i is the same as decoding it alone, bit for bit on an engine whose
    /// forward is row-exact (ours); the one-row <see cref="Decode(ICausalLanguageModel, int[], int, int)"/> is this with
    /// a batch of one.
    /// </remarks>
    public int[][] Decode(ICausalLanguageModel model, IReadOnlyList<int[]> prompts, IReadOnlyList<int> maxNewTokens, int stopId, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(maxNewTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (maxNewTokens.Count != prompts.Count)
            throw new ArgumentException($"{maxNewTokens.Count} budgets for {prompts.Count} prompts.", nameof(maxNewTokens));
        for (int i = 0; i < prompts.Count; i++)
        {
            if (prompts[i] is null || prompts[i].Length == 0) throw new ArgumentException($"Prompt {i} is empty; infill decoding needs a non-empty prompt.", nameof(prompts));
            if (maxNewTokens[i] < 0) throw new ArgumentException($"Prompt {i} has a negative budget of {maxNewTokens[i]} new tokens.", nameof(maxNewTokens));
        }
        var results = new int[prompts.Count][];
        int[] order = [.. Enumerable.Range(0, prompts.Count).OrderBy(i => prompts[i].Length)];
        for (int start = 0; start < order.Length; start += batchSize)
            DecodeBatch(model, prompts, maxNewTokens, stopId, order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray(), results);
        return results;
    }

    /// <summary>One row being decoded: Part A, [sop] and the tokens generated so far.</summary>
    private sealed class Row(int index, List<int> sequence, int maskPosition, int prefix, int budget)
    {
        public int Index { get; } = index;
        public List<int> Sequence { get; } = sequence;
        public int MaskPosition { get; } = maskPosition;
        public int Prefix { get; } = prefix;
        public int Budget { get; } = budget;
        public List<int> Generated { get; } = [];
        public bool Done { get; set; }
    }

    private void DecodeBatch(ICausalLanguageModel model, IReadOnlyList<int[]> prompts, IReadOnlyList<int> budgets, int stopId, int[] indices, int[][] results)
    {
        var rows = new List<Row>(indices.Length);
        foreach (int index in indices)
        {
            var partA = new List<int>(prompts[index]) { _tokens.Mask };
            if (_endOfSequenceId is int eos) partA.Add(eos);
            rows.Add(new Row(index, [.. partA, _tokens.StartOfPiece], prompts[index].Length, partA.Count, budgets[index]));
        }
        if (!(UsesKvCache && DecodeCached(model, rows, stopId)))
            DecodeFullForward(model, rows, stopId);
        foreach (var row in rows) results[row.Index] = [.. row.Generated];
    }

    /// <summary>Decodes <paramref name="rows"/> with one full forward over Part A and Part B per step.</summary>
    private void DecodeFullForward(ICausalLanguageModel model, List<Row> rows, int stopId)
    {
        int context = model.ContextLength;
        for (int step = 0; ; step++)
        {
            foreach (var row in rows) row.Done = Finished(row, step, context);
            var active = rows.Where(r => !r.Done).ToArray();
            if (active.Length == 0) break;
            int width = active.Max(r => r.Sequence.Count);
            var ids = new int[active.Length * width];
            var positions = new int[active.Length * width];
            var keyMask = new bool[active.Length * width];
            var prefixes = new int[active.Length];
            var last = new int[active.Length];
            for (int b = 0; b < active.Length; b++)
            {
                var row = active[b];
                int length = row.Sequence.Count, offset = b * width;
                row.Sequence.CopyTo(ids, offset);
                for (int i = 0; i < length; i++)
                {
                    positions[offset + i] = PositionOf(row, i);
                    keyMask[offset + i] = true;
                }
                prefixes[b] = row.Prefix;
                last[b] = length - 1;
            }
            var input = new ModelInput(active.Length, width, ids, positions, AttentionMaskPolicy.PrefixBidirectional(prefixes), keyMask);
            float[] logits = model.Logits(input, last);
            int vocab = model.VocabSize;
            for (int b = 0; b < active.Length; b++) Advance(active[b], logits.AsSpan(b * vocab, vocab), stopId);
        }
    }

    /// <summary>True once a row may not take another step: its budget is spent, or its sequence or the next position
    /// would leave the model's context.</summary>
    private static bool Finished(Row row, int step, int context)
    {
        int length = row.Sequence.Count;
        return row.Done || step >= row.Budget || length > context || row.MaskPosition + (length - row.Prefix) >= context;
    }

    /// <summary>Takes the greedy token from <paramref name="logits"/>: [eop] ends the row (not kept), the stop id ends it
    /// (kept), any other token is appended to its sequence. True when the row goes on.</summary>
    private bool Advance(Row row, ReadOnlySpan<float> logits, int stopId)
    {
        int next = Generator.ArgMax(logits);
        if (next == _tokens.EndOfPiece) { row.Done = true; return false; }
        row.Generated.Add(next);
        if (next == stopId) { row.Done = true; return false; }
        row.Sequence.Add(next);
        return true;
    }

    /// <summary>Position id of sequence index i of <paramref name="row"/>: Part A by index, Part B from the mask's position.</summary>
    private static int PositionOf(Row row, int i) => i < row.Prefix ? i : row.MaskPosition + (i - row.Prefix);

    /// <summary>Decodes <paramref name="rows"/> over the KV cache; false (nothing decoded) when the model's session has
    /// no bidirectional-prefix support.</summary>
    private bool DecodeCached(ICausalLanguageModel model, List<Row> rows, int stopId)
    {
        int context = model.ContextLength, vocab = model.VocabSize;
        foreach (var row in rows) row.Done = Finished(row, 0, context);
        var active = rows.Where(r => !r.Done).ToArray();
        if (active.Length == 0) return true;
        // A row feeds Part A, [sop] and at most budget − 1 generated tokens (the last one is never fed).
        int capacity = Math.Min(context, active.Max(r => r.Sequence.Count + Math.Max(0, r.Budget - 1)));
        using var session = model.StartDecoding(active.Length, capacity);
        if (session is not IPrefixDecodingSession prefixSession) return false;

        int width = active.Max(r => r.Sequence.Count);
        var ids = new int[active.Length * width];
        var keep = new bool[ids.Length];
        var positions = new int[ids.Length];
        for (int b = 0; b < active.Length; b++)
            for (int i = 0; i < active[b].Sequence.Count; i++)
            {
                ids[b * width + i] = active[b].Sequence[i];
                keep[b * width + i] = true;
                positions[b * width + i] = PositionOf(active[b], i);
            }
        float[] logits = prefixSession.Prefill(ids, keep, positions, [.. active.Select(r => r.Prefix)]);

        ids = new int[active.Length];
        keep = new bool[active.Length];
        positions = new int[active.Length];
        for (int step = 0; ; step++)
        {
            bool any = false;
            for (int b = 0; b < active.Length; b++)
            {
                var row = active[b];
                keep[b] = false;
                if (row.Done) continue;
                if (!Advance(row, logits.AsSpan(b * vocab, vocab), stopId)) continue;
                if (Finished(row, step + 1, context)) { row.Done = true; continue; }
                ids[b] = row.Sequence[^1];
                keep[b] = true;
                positions[b] = PositionOf(row, row.Sequence.Count - 1);
                any = true;
            }
            if (!any) return true;
            logits = prefixSession.Append(ids, keep, positions);
        }
    }
}
