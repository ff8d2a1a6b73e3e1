using Reversal.Core.Attention;
using Reversal.Core.Operations;

namespace Reversal.Core.Objectives;

/// <summary>
/// What a training objective hands the model: plain arrays, so a host with its own engine could consume them too.
/// All per-token arrays are <c>[B·T]</c>, row-major.
/// </summary>
public sealed class ObjectiveBatch
{
    /// <summary>Creates and validates a batch.</summary>
    /// <param name="batchSize">Rows B.</param>
    /// <param name="sequenceLength">Tokens per row T.</param>
    /// <param name="inputIds">Input token ids <c>[B·T]</c> (non-negative).</param>
    /// <param name="positionIds">RoPE position id per token <c>[B·T]</c> (non-negative).</param>
    /// <param name="targets">Target id per output position <c>[B·T]</c>, or <see cref="Functional.IgnoreIndex"/> (−100) where no loss is taken.</param>
    /// <param name="attention">The attention pattern and RoPE variant policy.</param>
    /// <param name="keyMask">Per token: false removes it as a key for every query (padding, placeholders).</param>
    /// <param name="objectiveName">Name of the objective that prepared the batch (for logs and reports).</param>
    /// <exception cref="ArgumentException">Array lengths disagree with B·T, or ids, positions or targets are negative (other than −100 targets).</exception>
    public ObjectiveBatch(int batchSize, int sequenceLength, int[] inputIds, int[] positionIds, int[] targets,
        AttentionMaskPolicy attention, bool[] keyMask, string objectiveName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentNullException.ThrowIfNull(attention);
        int n = batchSize * sequenceLength;
        CheckLength(inputIds, n, nameof(inputIds));
        CheckLength(positionIds, n, nameof(positionIds));
        CheckLength(targets, n, nameof(targets));
        CheckLength(keyMask, n, nameof(keyMask));
        for (int i = 0; i < n; i++)
        {
            if (inputIds[i] < 0) throw new ArgumentException($"Input id {inputIds[i]} at row {i / sequenceLength}, position {i % sequenceLength} is negative.", nameof(inputIds));
            if (positionIds[i] < 0) throw new ArgumentException($"Position id {positionIds[i]} at row {i / sequenceLength}, position {i % sequenceLength} is negative.", nameof(positionIds));
            if (targets[i] < 0 && targets[i] != Functional.IgnoreIndex)
                throw new ArgumentException($"Target {targets[i]} at row {i / sequenceLength}, position {i % sequenceLength} is negative and not the ignore index {Functional.IgnoreIndex}.", nameof(targets));
        }
        attention.Validate(batchSize, sequenceLength);
        BatchSize = batchSize; SequenceLength = sequenceLength; InputIds = inputIds; PositionIds = positionIds;
        Targets = targets; Attention = attention; KeyMask = keyMask; ObjectiveName = objectiveName ?? "";
        CountedTargets = targets.Count(t => t != Functional.IgnoreIndex);
    }

    private static void CheckLength<T>(T[] array, int expected, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.Length != expected) throw new ArgumentException($"{name} has {array.Length} entries; a [B, T] batch needs {expected}.", name);
    }

    /// <summary>Rows B.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per row T.</summary>
    public int SequenceLength { get; }

    /// <summary>Input token ids <c>[B·T]</c>.</summary>
    public int[] InputIds { get; }

    /// <summary>Position ids <c>[B·T]</c>.</summary>
    public int[] PositionIds { get; }

    /// <summary>Targets <c>[B·T]</c> with −100 where not counted: output position i is scored against <c>Targets[i]</c>.</summary>
    public int[] Targets { get; }

    /// <summary>Attention pattern policy.</summary>
    public AttentionMaskPolicy Attention { get; }

    /// <summary>Key visibility <c>[B·T]</c>.</summary>
    public bool[] KeyMask { get; }

    /// <summary>The objective that prepared the batch.</summary>
    public string ObjectiveName { get; }

    /// <summary>Number of targets that count in the loss.</summary>
    public int CountedTargets { get; }

    /// <summary>Token positions processed, B·T (throughput is reported in these, as PyTorch benchmarks do).</summary>
    public int TokenCount => BatchSize * SequenceLength;
}
