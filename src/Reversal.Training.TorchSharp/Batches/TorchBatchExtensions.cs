using Reversal.Training.Attention;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Batches;

/// <summary><c>batch.ToTorch(device)</c>: an objective's plain arrays as TorchSharp tensors.</summary>
public static class TorchBatchExtensions
{
    /// <summary>
    /// The batch as tensors on <paramref name="device"/>: int64 ids, positions and (already shifted) targets, the key
    /// mask and the attention masks of its policy. See <see cref="TorchBatch"/>.
    /// </summary>
    public static TorchBatch ToTorch(this ObjectiveBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Create(batch.Input, batch.Targets, device);
    }

    /// <summary>A model input (no targets) as tensors on <paramref name="device"/>. See <see cref="TorchBatch"/>.</summary>
    public static TorchBatch ToTorch(this ModelInput input, Device device)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Create(input, null, device);
    }

    private static TorchBatch Create(ModelInput input, int[]? targets, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        long[] shape = [input.BatchSize, input.SequenceLength];
        var ids = torch.tensor(input.InputIds.Select(i => (long)i).ToArray(), shape, device: device);
        var positions = torch.tensor(input.PositionIds.Select(i => (long)i).ToArray(), shape, device: device);
        var labels = targets is null ? null : torch.tensor(targets.Select(i => (long)i).ToArray(), shape, device: device);
        var keyMask = torch.tensor(input.KeyMask, shape, device: device);
        return new TorchBatch(ids, positions, labels, keyMask, input.Attention, IsPlainCausal(input), EveryQueryHasAKey(input), device);
    }

    private static bool IsPlainCausal(ModelInput input)
    {
        if (input.Attention.Kind != AttentionKind.Causal) return false;
        if (input.KeyMask.Contains(false)) return false;
        for (int i = 0; i < input.PositionIds.Length; i++)
            if (input.PositionIds[i] != i % input.SequenceLength) return false;
        return true;
    }

    /// <summary>Checks on the host (cheap, no device sync) that every query has at least one visible key.</summary>
    private static bool EveryQueryHasAKey(ModelInput input)
    {
        int t = input.SequenceLength;
        for (int b = 0; b < input.BatchSize; b++)
        {
            // firstVisible = index of the first key kept by the key mask; a query sees a key iff its visible range
            // [0, KeyEnd) reaches it (every policy's visible keys form a prefix).
            int firstVisible = Array.IndexOf(input.KeyMask, true, b * t, t);
            for (int m = 0; m < t; m++)
                if (firstVisible < 0 || firstVisible - b * t >= input.Attention.KeyEnd(b, m, t)) return false;
        }
        return true;
    }
}
