using System.Buffers.Binary;
using Reversal.Training.IO;

namespace Reversal.Training.Serialization;

/// <summary>
/// Writes float32 tensors (<see cref="TensorData"/>) as a SafeTensors file, byte for byte as the reference (Rust/Python
/// <c>safetensors</c>) writer lays it out.
/// </summary>
/// <remarks>
/// <para>Layout: the reference sorts tensors by descending dtype rank, then by name (UTF-8 byte order); all tensors of
/// one call share a dtype, so the data and header order is simply the names' UTF-8 order. Offsets are consecutive
/// from 0, the header is compact JSON (see <see cref="SafeTensorsHeader"/>) padded with spaces to a multiple of 8
/// bytes, and the data is little-endian. Given the same tensors and metadata (at most one metadata key, since the
/// reference emits several in hash order), the output is identical to <c>safetensors.torch.save_file</c>'s.</para>
/// <para>Conversion: F32 is written exactly; F16 rounds to nearest even through <see cref="Half"/> (overflow to
/// infinity); BF16 rounds to nearest even on the upper 16 bits as PyTorch does (overflow to infinity, NaN → 0x7FC0).</para>
/// </remarks>
public static class SafeTensorsWriter
{
    /// <summary>Elements encoded per write.</summary>
    private const int ChunkElements = 64 * 1024;

    /// <summary>
    /// Atomically writes <paramref name="tensors"/> to <paramref name="path"/> (through <see cref="AtomicFile"/>: a
    /// failure never leaves a partial file and keeps any previous file intact).
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="tensors">Tensors by name; <c>__metadata__</c> is not a valid name.</param>
    /// <param name="dtype">Element type for every tensor: F32, F16 or BF16.</param>
    /// <param name="metadata">The header's <c>__metadata__</c> map, or null to omit it (Hugging Face writes <c>{"format": "pt"}</c>).</param>
    /// <exception cref="ArgumentException">A name is reserved or not valid Unicode, or <paramref name="dtype"/> is not a float type this writer supports.</exception>
    /// <exception cref="IOException">The write or the final rename failed.</exception>
    /// <exception cref="UnauthorizedAccessException">The target exists and is read-only, or the folder is not writable.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, TensorData> tensors,
        SafeTensorsDtype dtype = SafeTensorsDtype.Float32, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors, dtype, metadata, wrapStream: null);

    /// <summary>As the public overload; <paramref name="wrapStream"/> lets tests interpose a failing stream.</summary>
    internal static void Write(string path, IReadOnlyDictionary<string, TensorData> tensors, SafeTensorsDtype dtype,
        IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrapStream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var plan = Plan(tensors, dtype, metadata);
        AtomicFile.Write(path, stream => WritePlanned(wrapStream is null ? stream : wrapStream(stream), plan));
    }

    /// <summary>Writes the file content to <paramref name="destination"/> (not atomic: the caller owns the stream).</summary>
    /// <exception cref="ArgumentException">A name is reserved or not valid Unicode, or <paramref name="dtype"/> is not F32, F16 or BF16.</exception>
    public static void Write(Stream destination, IReadOnlyDictionary<string, TensorData> tensors,
        SafeTensorsDtype dtype = SafeTensorsDtype.Float32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        WritePlanned(destination, Plan(tensors, dtype, metadata));
    }

    /// <summary>Number of bytes <paramref name="tensor"/> occupies in the data section as <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not F32, F16 or BF16.</exception>
    public static long DataBytes(TensorData tensor, SafeTensorsDtype dtype)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        RequireWritable(dtype);
        return (long)tensor.Values.Length * FloatCodec.BytesPerElement(dtype);
    }

    private sealed record Planned(byte[] Header, SafeTensorsDtype Dtype, (string Name, TensorData Tensor)[] Tensors);

    private static Planned Plan(IReadOnlyDictionary<string, TensorData> tensors, SafeTensorsDtype dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        RequireWritable(dtype);
        int width = FloatCodec.BytesPerElement(dtype);
        var ordered = tensors.Select(pair => (Name: pair.Key, Tensor: pair.Value)).OrderBy(pair => pair.Name, Utf8Order.Instance).ToArray();
        var entries = new List<(string, SafeTensorsDtype, IReadOnlyList<int>, long, long)>(ordered.Length);
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(tensors));
            if (tensor is null) throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            if (name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for the metadata and cannot name a tensor.", nameof(tensors));
            long bytes = (long)tensor.Values.Length * width;
            entries.Add((name, dtype, tensor.Shape, offset, offset + bytes));
            offset += bytes;
        }
        if (metadata is not null)
            foreach (var (key, value) in metadata)
            {
                ArgumentNullException.ThrowIfNull(key, nameof(metadata));
                if (value is null) throw new ArgumentException($"Metadata value of '{key}' is null.", nameof(metadata));
            }
        return new Planned(SafeTensorsHeader.Serialize(entries, metadata), dtype, ordered);
    }

    private static void WritePlanned(Stream destination, Planned plan)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)plan.Header.Length);
        destination.Write(prefix);
        destination.Write(plan.Header);

        int width = FloatCodec.BytesPerElement(plan.Dtype);
        var bytes = new byte[ChunkElements * width];
        foreach (var (_, tensor) in plan.Tensors)
        {
            ReadOnlyMemory<float> source = tensor.Values;
            for (int start = 0; start < source.Length; start += ChunkElements)
            {
                int count = Math.Min(ChunkElements, source.Length - start);
                var chunk = bytes.AsSpan(0, count * width);
                FloatCodec.Encode(source.Span.Slice(start, count), plan.Dtype, chunk);
                destination.Write(chunk);
            }
        }
    }

    private static void RequireWritable(SafeTensorsDtype dtype)
    {
        if (!dtype.IsFloatingTensorType())
            throw new ArgumentException($"SafeTensors dtype {dtype} cannot be written from float32 tensors; use Float32, Float16 or BFloat16.", nameof(dtype));
    }
}
