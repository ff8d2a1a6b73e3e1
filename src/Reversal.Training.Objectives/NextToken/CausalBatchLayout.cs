using Reversal.Training.Attention;
using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>
/// A right-padded <c>[B, T]</c> batch under construction for shifted (input i → target i+1) objectives: padding ids,
/// targets −100 and invisible keys everywhere until set; position ids <c>0..T−1</c>.
/// </summary>
internal sealed class CausalBatchLayout
{
    private readonly int _length;

    public CausalBatchLayout(int batch, int length, int padId)
    {
        _length = length;
        InputIds = new int[batch * length];
        Targets = new int[batch * length];
        PositionIds = new int[batch * length];
        KeyMask = new bool[batch * length];
        Array.Fill(InputIds, padId);
        Array.Fill(Targets, ObjectiveBatch.IgnoreIndex);
        for (int i = 0; i < PositionIds.Length; i++) PositionIds[i] = i % length;
        Batch = batch;
    }

    public int Batch { get; }
    public int[] InputIds { get; }
    public int[] Targets { get; }
    public int[] PositionIds { get; }
    public bool[] KeyMask { get; }

    /// <summary>Places a real (visible) input token.</summary>
    public void SetInput(int row, int t, int id)
    {
        InputIds[row * _length + t] = id;
        KeyMask[row * _length + t] = true;
    }

    /// <summary>Sets the target of output position <paramref name="t"/>.</summary>
    public void SetTarget(int row, int t, int id) => Targets[row * _length + t] = id;

    /// <summary>Hides the token at <paramref name="t"/> as a key (it still acts as a query).</summary>
    public void HideKey(int row, int t) => KeyMask[row * _length + t] = false;

    public ObjectiveBatch ToBatch(AttentionMaskPolicy policy, string name) =>
        new(Batch, _length, InputIds, PositionIds, Targets, policy, KeyMask, name);

    /// <summary>
    /// Validates examples for a shifted objective and returns the padded input length: the longest example − 1 (its
    /// last token is only a target), or the longest example when <paramref name="inputsIncludeLastToken"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No examples, an example shorter than 2 tokens, or one longer than the context.</exception>
    public static int CheckExamples(IReadOnlyList<TokenSequence> examples, ObjectiveContext context, bool inputsIncludeLastToken = false)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        if (examples.Count == 0) throw new ArgumentException("Prepare needs at least one example.", nameof(examples));
        int longest = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            var example = examples[i] ?? throw new ArgumentException($"Example {i} is null.", nameof(examples));
            if (example.Length < 2)
                throw new ArgumentException($"Example {i} has {example.Length} token(s); next-token objectives need at least 2 (an input and a target).", nameof(examples));
            int positions = inputsIncludeLastToken ? example.Length : example.Length - 1;
            if (positions > context.MaxSequenceLength)
                throw new SequenceTooLongException(i, positions, context.MaxSequenceLength);
            longest = Math.Max(longest, positions);
        }
        return longest;
    }
}
