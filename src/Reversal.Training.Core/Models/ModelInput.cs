using Reversal.Training.Attention;

namespace Reversal.Training.Models;

/// <summary>
/// The inputs of one forward pass of a causal language model, as plain arrays: <c>B</c> rows of <c>T</c> token ids,
/// a RoPE position id per token, the <see cref="AttentionMaskPolicy"/> and a key mask. Every per-token array is
/// <c>[B·T]</c>, row-major. Both engines consume exactly this.
/// </summary>
public sealed class ModelInput
{
    /// <summary>Creates and validates an input.</summary>
    /// <param name="batchSize">Rows B (≥ 1).</param>
    /// <param name="sequenceLength">Tokens per row T (≥ 1).</param>
    /// <param name="inputIds">Token ids <c>[B·T]</c> (non-negative; the model checks them against its vocabulary).</param>
    /// <param name="positionIds">RoPE position per token <c>[B·T]</c> (non-negative); null means <c>0..T−1</c> in every row.</param>
    /// <param name="attention">Mask and RoPE-variant policy; null means <see cref="AttentionMaskPolicy.Causal"/>.</param>
    /// <param name="keyMask">Per token <c>[B·T]</c>: false removes it as a key for every query (padding, BICO
    /// placeholders); null keeps every key.</param>
    /// <exception cref="ArgumentException">An array's length is not B·T, an id or position is negative, or the policy
    /// does not fit the batch; the message names the array, row and position.</exception>
    public ModelInput(int batchSize, int sequenceLength, int[] inputIds, int[]? positionIds = null,
        AttentionMaskPolicy? attention = null, bool[]? keyMask = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        long n = (long)batchSize * sequenceLength;
        if (n > Array.MaxLength) throw new ArgumentException($"A [{batchSize}, {sequenceLength}] batch has more tokens than an array can hold.");
        CheckLength(inputIds, (int)n, nameof(inputIds));
        positionIds ??= DefaultPositions(batchSize, sequenceLength);
        CheckLength(positionIds, (int)n, nameof(positionIds));
        keyMask ??= AllVisible((int)n);
        CheckLength(keyMask, (int)n, nameof(keyMask));
        attention ??= AttentionMaskPolicy.Causal;
        for (int i = 0; i < n; i++)
        {
            if (inputIds[i] < 0) throw new ArgumentException($"Input id {inputIds[i]} at row {i / sequenceLength}, position {i % sequenceLength} is negative.", nameof(inputIds));
            if (positionIds[i] < 0) throw new ArgumentException($"Position id {positionIds[i]} at row {i / sequenceLength}, position {i % sequenceLength} is negative.", nameof(positionIds));
        }
        attention.Validate(batchSize, sequenceLength);
        BatchSize = batchSize; SequenceLength = sequenceLength; InputIds = inputIds; PositionIds = positionIds;
        Attention = attention; KeyMask = keyMask;
    }

    /// <summary>Rows B.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per row T.</summary>
    public int SequenceLength { get; }

    /// <summary>Token ids <c>[B·T]</c>.</summary>
    public int[] InputIds { get; }

    /// <summary>RoPE position ids <c>[B·T]</c>.</summary>
    public int[] PositionIds { get; }

    /// <summary>The mask and RoPE-variant policy.</summary>
    public AttentionMaskPolicy Attention { get; }

    /// <summary>Key visibility <c>[B·T]</c> (false: never attended to).</summary>
    public bool[] KeyMask { get; }

    /// <summary>B·T.</summary>
    public int TokenCount => BatchSize * SequenceLength;

    /// <summary>
    /// Checks the input against a model: every id inside <c>[0, <paramref name="vocabSize"/>)</c>, the sequence and
    /// every position id inside the context of <paramref name="contextLength"/> tokens.
    /// </summary>
    /// <exception cref="ArgumentException">The first offending id or position, by row and position.</exception>
    public void ValidateFor(int vocabSize, int contextLength)
    {
        if (SequenceLength > contextLength)
            throw new ArgumentException($"Sequence length {SequenceLength} exceeds the model's context of {contextLength} tokens.");
        for (int i = 0; i < InputIds.Length; i++)
        {
            if ((uint)InputIds[i] >= (uint)vocabSize)
                throw new ArgumentException($"Token id {InputIds[i]} at row {i / SequenceLength}, position {i % SequenceLength} is outside the vocabulary [0, {vocabSize}).");
            if ((uint)PositionIds[i] >= (uint)contextLength)
                throw new ArgumentException($"Position id {PositionIds[i]} at row {i / SequenceLength}, position {i % SequenceLength} is outside the context [0, {contextLength}).");
        }
    }

    private static int[] DefaultPositions(int batchSize, int length)
    {
        var positions = new int[batchSize * length];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % length;
        return positions;
    }

    private static bool[] AllVisible(int count)
    {
        var mask = new bool[count];
        Array.Fill(mask, true);
        return mask;
    }

    private static void CheckLength<T>(T[] array, int expected, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.Length != expected) throw new ArgumentException($"{name} has {array.Length} entries; a [B, T] batch needs {expected}.", name);
    }
}
