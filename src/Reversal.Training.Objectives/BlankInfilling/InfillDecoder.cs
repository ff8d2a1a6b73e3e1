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
public sealed class InfillDecoder : ICompletionDecoder
{
    private readonly BlankInfillingTokens _tokens;
    private readonly int? _endOfSequenceId;

    /// <summary>Creates the decoder.</summary>
    /// <param name="tokens">The blank-infilling special tokens.</param>
    /// <param name="endOfSequenceId">Appended after the <c>[MASK]</c> in Part A (null: nothing appended).</param>
    public InfillDecoder(BlankInfillingTokens tokens, int? endOfSequenceId)
    {
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _endOfSequenceId = endOfSequenceId;
    }

    /// <inheritdoc />
    public string Name => "greedy_infill";

    /// <inheritdoc />
    /// <remarks>Stops at <c>[eop]</c> (not returned) or at <paramref name="stopId"/> (returned); each step re-runs the full forward.</remarks>
    public int[] Decode(ICausalLanguageModel model, int[] promptIds, int maxNewTokens, int stopId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Length == 0) throw new ArgumentException("Infill decoding needs a non-empty prompt.", nameof(promptIds));
        return Decode(model, [promptIds], [maxNewTokens], stopId, 1)[0];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Rows are sorted by prompt length and decoded <paramref name="batchSize"/> at a time: each step runs one forward
    /// over the still-active rows, right-padded to the longest (padding is hidden as a key and comes after every real
    /// token, so no real query sees it), and reads each row's logits after its last token. Row i is the same as decoding
    /// it alone, bit for bit on an engine whose forward is row-exact (ours); the one-row <see cref="Decode(ICausalLanguageModel, int[], int, int)"/>
    /// is this with a batch of one.
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
        int context = model.ContextLength;
        var rows = new List<Row>(indices.Length);
        foreach (int index in indices)
        {
            var partA = new List<int>(prompts[index]) { _tokens.Mask };
            if (_endOfSequenceId is int eos) partA.Add(eos);
            rows.Add(new Row(index, [.. partA, _tokens.StartOfPiece], prompts[index].Length, partA.Count, budgets[index]));
        }
        for (int step = 0; ; step++)
        {
            foreach (var row in rows)
            {
                int length = row.Sequence.Count;
                if (row.Done || step >= row.Budget || length > context || row.MaskPosition + (length - row.Prefix) >= context) row.Done = true;
            }
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
                    positions[offset + i] = i < row.Prefix ? i : row.MaskPosition + (i - row.Prefix);
                    keyMask[offset + i] = true;
                }
                prefixes[b] = row.Prefix;
                last[b] = length - 1;
            }
            var input = new ModelInput(active.Length, width, ids, positions, AttentionMaskPolicy.PrefixBidirectional(prefixes), keyMask);
            float[] logits = model.Logits(input, last);
            int vocab = model.VocabSize;
            for (int b = 0; b < active.Length; b++)
            {
                var row = active[b];
                int next = Generator.ArgMax(logits.AsSpan(b * vocab, vocab));
                if (next == _tokens.EndOfPiece) { row.Done = true; continue; }
                row.Generated.Add(next);
                if (next == stopId) { row.Done = true; continue; }
                row.Sequence.Add(next);
            }
        }
        foreach (var row in rows) results[row.Index] = [.. row.Generated];
    }
}
