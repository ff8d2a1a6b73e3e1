using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Reversal.Training.Serialization;

/// <summary>
/// A SafeTensors file opened for reading: the validated header (tensor names, dtypes, shapes, byte ranges and the
/// <c>__metadata__</c> map) and memory-mapped access to the data, so that only the tensors actually read are paged in.
/// </summary>
/// <remarks>
/// <para>Format: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON (possibly padded with
/// spaces), then the data section; each tensor's <c>data_offsets</c> are relative to the start of the data section,
/// and the tensors must tile the data section exactly. Every rule is checked by <see cref="Open"/>; a violation
/// throws <see cref="SafeTensorsFormatException"/>.</para>
/// <para>F32, F16 and BF16 tensors are read as float32 (F16 through <see cref="Half"/>, BF16 by a 16-bit shift, both
/// exact). Other dtypes are listed but not readable. Reads are thread-safe; dispose the object to unmap the file.</para>
/// </remarks>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    /// <summary>Elements converted per step, so a huge tensor never needs a span of more than 2 GB.</summary>
    private const int ChunkElements = 1 << 20;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly Dictionary<string, SafeTensorInfo> _byName;
    private bool _disposed;

    private SafeTensorsFile(string filePath, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data, long dataOffset, long dataLength, SafeTensorsHeader header)
    {
        FilePath = filePath;
        _map = map;
        _view = view;
        _data = data;
        DataOffset = dataOffset;
        DataLength = dataLength;
        Tensors = header.Tensors;
        Metadata = header.Metadata ?? new Dictionary<string, string>(StringComparer.Ordinal);
        HasMetadata = header.Metadata is not null;
        _byName = header.Tensors.ToDictionary(info => info.Name, StringComparer.Ordinal);
    }

    /// <summary>Full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>The tensors, in data order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The tensor names, in data order.</summary>
    public IEnumerable<string> Names => Tensors.Select(info => info.Name);

    /// <summary>The <c>__metadata__</c> map (empty when the header has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the header has a <c>__metadata__</c> entry (possibly empty).</summary>
    public bool HasMetadata { get; }

    /// <summary>Absolute file position of the data section: 8 + the header length.</summary>
    public long DataOffset { get; }

    /// <summary>Length of the data section in bytes.</summary>
    public long DataLength { get; }

    /// <summary>Opens, maps and validates <paramref name="path"/>. The data itself is not read.</summary>
    /// <remarks>Every size in the header is checked against the file before anything is allocated: the header length
    /// against 100 MB and the file's length, every tensor's byte range against the data section, and its shape × dtype
    /// against that range. Memory: a copy of the header and its parse (<see cref="StrictJson"/>), about 12 bytes per
    /// header byte at most; the data stays mapped until a tensor is read (4 bytes per element, so at most twice the
    /// data bytes for F16/BF16).</remarks>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid SafeTensors file (including invalid UTF-8,
    /// lone surrogate escapes and repeated keys in the header); the message says why, naming the tensor and the byte.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file cannot be opened or mapped.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool pointerAcquired = false;
        try
        {
            long fileLength = stream.Length;
            if (fileLength < 8)
                throw new SafeTensorsFormatException(fullPath, null, $"the file is {fileLength} bytes long, shorter than the 8-byte header length.");
            map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointerAcquired = true;
            byte* start = pointer + view.PointerOffset;

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, 8));
            if (headerLength > SafeTensorsHeader.MaxHeaderBytes)
                throw new SafeTensorsFormatException(fullPath, null, $"the header length {headerLength} exceeds the limit of {SafeTensorsHeader.MaxHeaderBytes} bytes.");
            if ((long)headerLength > fileLength - 8)
                throw new SafeTensorsFormatException(fullPath, null, $"the header length {headerLength} is larger than the {fileLength - 8} bytes that follow the length prefix.");
            var headerBytes = new ReadOnlySpan<byte>(start + 8, (int)headerLength).ToArray();
            long dataOffset = 8 + (long)headerLength;
            long dataLength = fileLength - dataOffset;
            var header = SafeTensorsHeader.Parse(headerBytes, dataLength, fullPath);
            return new SafeTensorsFile(fullPath, map, view, start + dataOffset, dataOffset, dataLength, header);
        }
        catch
        {
            if (pointerAcquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>True when the file has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The header entry of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public SafeTensorInfo GetInfo(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"SafeTensors file '{FilePath}' has no tensor '{name}'.");
    }

    /// <summary>The raw little-endian bytes of tensor <paramref name="name"/>, copied out of the mapping.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="NotSupportedException">The tensor is larger than an array can hold.</exception>
    public byte[] ReadBytes(string name)
    {
        var info = GetInfo(name);
        ThrowIfDisposed();
        if (info.ByteLength > Array.MaxLength)
            throw new NotSupportedException($"Tensor '{name}' of '{FilePath}' is {info.ByteLength} bytes, more than an array can hold.");
        return new ReadOnlySpan<byte>(_data + info.DataBegin, (int)info.ByteLength).ToArray();
    }

    /// <summary>Reads tensor <paramref name="name"/> as new float32 <see cref="TensorData"/> (F32 copied, F16 and BF16 widened exactly).</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="NotSupportedException">The dtype is not F32, F16 or BF16, or the shape is too large for an array.</exception>
    public TensorData ReadTensor(string name)
    {
        var info = GetInfo(name);
        ThrowIfDisposed();
        if (!info.Dtype.IsFloatingTensorType())
            throw new NotSupportedException($"Tensor '{name}' of '{FilePath}' has dtype {info.Dtype.GetHeaderName()}; only F32, F16 and BF16 can be read as float32.");
        var shape = new int[info.Shape.Count];
        for (int d = 0; d < shape.Length; d++)
        {
            if (info.Shape[d] > int.MaxValue)
                throw new NotSupportedException($"Tensor '{name}' of '{FilePath}' has dimension {d} of size {info.Shape[d]}, larger than an array supports.");
            shape[d] = (int)info.Shape[d];
        }
        if (info.ElementCount > Array.MaxLength)
            throw new NotSupportedException($"Tensor '{name}' of '{FilePath}' has {info.ElementCount} elements, more than an array can hold.");

        var values = new float[info.ElementCount];
        int width = FloatCodec.BytesPerElement(info.Dtype);
        byte* source = _data + info.DataBegin;
        for (int start = 0; start < values.Length; start += ChunkElements)
        {
            int count = Math.Min(ChunkElements, values.Length - start);
            FloatCodec.Decode(new ReadOnlySpan<byte>(source + (long)start * width, count * width), info.Dtype, values.AsSpan(start, count));
        }
        return new TensorData(values, shape);
    }

    /// <summary>Reads every tensor (see <see cref="ReadTensor"/>), keyed by name.</summary>
    /// <exception cref="NotSupportedException">A tensor's dtype is not F32, F16 or BF16.</exception>
    public Dictionary<string, TensorData> ReadAll()
    {
        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var info in Tensors) result[info.Name] = ReadTensor(info.Name);
        return result;
    }

    /// <summary>Unmaps the file. Further reads throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
