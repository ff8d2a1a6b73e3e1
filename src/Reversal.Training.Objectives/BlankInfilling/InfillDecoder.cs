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
        var partA = new List<int>(promptIds) { _tokens.Mask };
        if (_endOfSequenceId is int eos) partA.Add(eos);
        int maskPosition = promptIds.Length, prefix = partA.Count;
        var sequence = new List<int>(partA) { _tokens.StartOfPiece };
        var generated = new List<int>();
        var policy = AttentionMaskPolicy.PrefixBidirectional([prefix]);
        int context = model.ContextLength;
        for (int step = 0; step < maxNewTokens; step++)
        {
            int length = sequence.Count;
            if (length > context || maskPosition + (length - prefix) >= context) break;
            var positions = new int[length];
            for (int i = 0; i < length; i++) positions[i] = i < prefix ? i : maskPosition + (i - prefix);
            var input = new ModelInput(1, length, [.. sequence], positions, policy);
            int next = Generator.ArgMax(model.Logits(input, [length - 1]));
            if (next == _tokens.EndOfPiece) break;
            generated.Add(next);
            if (next == stopId) break;
            sequence.Add(next);
        }
        return generated.ToArray();
    }
}
