namespace Reversal.Training.Serialization;

/// <summary>One validated header entry of a SafeTensors file: a tensor's name, element type, shape and byte range.</summary>
public sealed class SafeTensorInfo
{
    internal SafeTensorInfo(string name, SafeTensorsDtype dtype, long[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        Dtype = dtype;
        Shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name (its header key).</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDtype Dtype { get; }

    /// <summary>The dimensions, outermost first (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>First byte of the data, relative to the start of the data section (<c>data_offsets[0]</c>).</summary>
    public long DataBegin { get; }

    /// <summary>One past the last byte of the data, relative to the start of the data section (<c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    /// <summary>Size of the data in bytes.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {Dtype.GetHeaderName()} [{string.Join(", ", Shape)}] bytes [{DataBegin}, {DataEnd})";
}
