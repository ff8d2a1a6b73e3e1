namespace Reversal.Training.Serialization;

/// <summary>How a checkpoint is written: element type and optional sharding.</summary>
public sealed record SaveOptions
{
    /// <summary>Element type of the saved weights: <see cref="SafeTensorsDtype.Float32"/> (default, exact),
    /// <see cref="SafeTensorsDtype.BFloat16"/> or <see cref="SafeTensorsDtype.Float16"/> (both round to nearest even).</summary>
    public SafeTensorsDtype Dtype { get; init; } = SafeTensorsDtype.Float32;

    /// <summary>
    /// When set, weights are split into <c>model-00001-of-0000N.safetensors</c> files plus
    /// <c>model.safetensors.index.json</c>, each shard holding at most this many bytes of tensor data (in the saved
    /// dtype, headers not counted) except that a single larger tensor gets a shard of its own — Hugging Face's rule.
    /// When everything fits in one shard a single <c>model.safetensors</c> is written, as Hugging Face does.
    /// Null (default) always writes a single file.
    /// </summary>
    public long? MaxShardBytes { get; init; }

    /// <summary>Test seam: wraps the stream each staged file is written to (file name, stream) → stream.</summary>
    internal Func<string, Stream, Stream>? StreamInterceptor { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The dtype is not F32, BF16 or F16, or <see cref="MaxShardBytes"/> is not positive.</exception>
    public void Validate()
    {
        if (!Dtype.IsFloatingTensorType())
            throw new ArgumentException($"SaveOptions.Dtype must be Float32, BFloat16 or Float16, got {Dtype}.");
        if (MaxShardBytes is <= 0)
            throw new ArgumentException($"SaveOptions.MaxShardBytes must be positive, got {MaxShardBytes}.");
    }
}
