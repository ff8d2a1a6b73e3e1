namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// The most a load may allocate: <see cref="BytesPerInputByte"/> × the bytes it reads + <see cref="ConstantBytes"/>.
/// Measured as the bytes allocated on the loading thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), which is
/// at least the load's peak managed memory.
/// </summary>
/// <param name="BytesPerInputByte">Allowed allocation per byte read.</param>
/// <param name="ConstantBytes">Allowed allocation whatever the input (buffers, pools, small objects).</param>
public sealed record MemoryBound(double BytesPerInputByte, long ConstantBytes)
{
    /// <summary>The allowance for a load that reads <paramref name="inputBytes"/> bytes.</summary>
    public long For(long inputBytes) => (long)(BytesPerInputByte * inputBytes) + ConstantBytes;

    /// <inheritdoc />
    public override string ToString() => $"{BytesPerInputByte:0.#} B/B + {ConstantBytes / 1024} KiB";
}
