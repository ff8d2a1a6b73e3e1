using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Reversal.Training.Serialization;

/// <summary>
/// Converts between float32 values and the little-endian bytes of the F32, F16 and BF16 element types.
/// </summary>
/// <remarks>
/// F16 uses <see cref="Half"/> (IEEE 754 round-to-nearest-even; values beyond ±65504 become infinities).
/// BF16 keeps the upper 16 bits of the float32 after rounding to nearest, ties to even, exactly like PyTorch's
/// <c>c10::BFloat16</c>: finite values that round past the largest bfloat16 become infinities, and every NaN becomes
/// the canonical quiet NaN <c>0x7FC0</c>. Decoding BF16 is exact (a shift).
/// </remarks>
internal static class FloatCodec
{
    /// <summary>Bytes per element of a float dtype this codec handles.</summary>
    public static int BytesPerElement(SafeTensorsDtype dtype) => dtype switch
    {
        SafeTensorsDtype.Float32 => 4,
        SafeTensorsDtype.Float16 or SafeTensorsDtype.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Only F32, F16 and BF16 convert to and from float32."),
    };

    /// <summary>float32 → bfloat16 bits, round to nearest even (NaN → 0x7FC0).</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>bfloat16 bits → float32 (exact).</summary>
    public static float FromBFloat16Bits(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Decodes <c>destination.Length</c> elements of <paramref name="dtype"/> from <paramref name="source"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> source, SafeTensorsDtype dtype, Span<float> destination)
    {
        int width = BytesPerElement(dtype);
        if (source.Length != destination.Length * width)
            throw new ArgumentException($"{source.Length} bytes do not hold {destination.Length} {dtype.GetHeaderName()} elements.", nameof(source));
        switch (dtype)
        {
            case SafeTensorsDtype.Float32 when BitConverter.IsLittleEndian:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case SafeTensorsDtype.Float32:
                for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case SafeTensorsDtype.Float16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case SafeTensorsDtype.Float16:
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            default:
                for (int i = 0; i < destination.Length; i++) destination[i] = FromBFloat16Bits(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]));
                break;
        }
    }

    /// <summary>Encodes <paramref name="source"/> as <paramref name="dtype"/> into <paramref name="destination"/> (exactly sized).</summary>
    public static void Encode(ReadOnlySpan<float> source, SafeTensorsDtype dtype, Span<byte> destination)
    {
        int width = BytesPerElement(dtype);
        if (destination.Length != source.Length * width)
            throw new ArgumentException($"{destination.Length} bytes do not hold {source.Length} {dtype.GetHeaderName()} elements.", nameof(destination));
        switch (dtype)
        {
            case SafeTensorsDtype.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case SafeTensorsDtype.Float32:
                for (int i = 0; i < source.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], source[i]);
                break;
            case SafeTensorsDtype.Float16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            case SafeTensorsDtype.Float16:
                for (int i = 0; i < source.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(destination[(2 * i)..], (Half)source[i]);
                break;
            default:
                for (int i = 0; i < source.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], ToBFloat16Bits(source[i]));
                break;
        }
    }
}
