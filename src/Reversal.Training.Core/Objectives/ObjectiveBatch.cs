using Reversal.Training.Attention;
using Reversal.Training.Models;

namespace Reversal.Training.Objectives;

/// <summary>
/// What a training objective hands the model: a <see cref="ModelInput"/> (ids, positions, attention policy, key mask)
/// and the targets of the loss, as plain arrays, so any engine (ours, TorchSharp, a host's own) can consume it.
/// All per-token arrays are <c>[B·T]</c>, row-major.
/// </summary>
/// <remarks>
/// <b>Targets are already aligned with the outputs</b>: output position <c>i</c> is scored against <c>Targets[i]</c>.
/// For next-token prediction the objective has shifted them (<c>Targets[i] = ids[i+1]</c>), so the loss is the plain
/// <c>cross_entropy(logits.view(-1, V), targets, ignore_index: -100)</c> with no further shift.
/// </remarks>
public sealed class ObjectiveBatch
{
    /// <summary>The target value that takes no loss (PyTorch's <c>ignore_index</c> default).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>Creates and validates a batch.</summary>
    /// <param name="batchSize">Rows B.</param>
    /// <param name="sequenceLength">Tokens per row T.</param>
    /// <param name="inputIds">Input token ids <c>[B·T]</c> (non-negative).</param>
    /// <param name="positionIds">RoPE position id per token <c>[B·T]</c> (non-negative).</param>
    /// <param name="targets">Target id per output position <c>[B·T]</c>, or <see cref="IgnoreIndex"/> (−100) where no loss is taken.</param>
    /// <param name="attention">The attention pattern and RoPE variant policy.</param>
    /// <param name="keyMask">Per token: false removes it as a key for every query (padding, placeholders).</param>
    /// <param name="objectiveName">Name of the objective that prepared the batch (for logs and reports).</param>
    /// <exception cref="ArgumentException">Array lengths disagree with B·T, or ids, positions or targets are negative (other than −100 targets).</exception>
    public ObjectiveBatch(int batchSize, int sequenceLength, int[] inputIds, int[] positionIds, int[] targets,
        AttentionMaskPolicy attention, bool[] keyMask, string objectiveName)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(positionIds);
        ArgumentNullException.ThrowIfNull(keyMask);
        Input = new ModelInput(batchSize, sequenceLength, inputIds, positionIds, attention, keyMask);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length != Input.TokenCount)
            throw new ArgumentException($"{nameof(targets)} has {targets.Length} entries; a [B, T] batch needs {Input.TokenCount}.", nameof(targets));
        int counted = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] == IgnoreIndex) continue;
            if (targets[i] < 0)
                throw new ArgumentException($"Target {targets[i]} at row {i / sequenceLength}, position {i % sequenceLength} is negative and not the ignore index {IgnoreIndex}.", nameof(targets));
            counted++;
        }
        Targets = targets;
        ObjectiveName = objectiveName ?? "";
        CountedTargets = counted;
    }

    /// <summary>The model input (ids, positions, attention policy, key mask).</summary>
    public ModelInput Input { get; }

    /// <summary>Rows B.</summary>
    public int BatchSize => Input.BatchSize;

    /// <summary>Tokens per row T.</summary>
    public int SequenceLength => Input.SequenceLength;

    /// <summary>Input token ids <c>[B·T]</c>.</summary>
    public int[] InputIds => Input.InputIds;

    /// <summary>Position ids <c>[B·T]</c>.</summary>
    public int[] PositionIds => Input.PositionIds;

    /// <summary>Targets <c>[B·T]</c> with −100 where not counted: output position i is scored against <c>Targets[i]</c> (already shifted).</summary>
    public int[] Targets { get; }

    /// <summary>Attention pattern policy.</summary>
    public AttentionMaskPolicy Attention => Input.Attention;

    /// <summary>Key visibility <c>[B·T]</c>.</summary>
    public bool[] KeyMask => Input.KeyMask;

    /// <summary>The objective that prepared the batch.</summary>
    public string ObjectiveName { get; }

    /// <summary>Number of targets that count in the loss.</summary>
    public int CountedTargets { get; }

    /// <summary>Token positions processed, B·T (throughput is reported in these, as PyTorch benchmarks do).</summary>
    public int TokenCount => Input.TokenCount;
}
