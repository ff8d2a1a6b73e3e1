namespace Reversal.Training.Serialization;

/// <summary>Header spelling and element width of each <see cref="SafeTensorsDtype"/>.</summary>
public static class SafeTensorsDtypeExtensions
{
    private static readonly (SafeTensorsDtype Dtype, string Name, int Bits)[] Table =
    [
        (SafeTensorsDtype.Bool, "BOOL", 8),
        (SafeTensorsDtype.Float4, "F4", 4),
        (SafeTensorsDtype.Float6E2M3, "F6_E2M3", 6),
        (SafeTensorsDtype.Float6E3M2, "F6_E3M2", 6),
        (SafeTensorsDtype.UInt8, "U8", 8),
        (SafeTensorsDtype.Int8, "I8", 8),
        (SafeTensorsDtype.Float8E5M2, "F8_E5M2", 8),
        (SafeTensorsDtype.Float8E4M3, "F8_E4M3", 8),
        (SafeTensorsDtype.Float8E8M0, "F8_E8M0", 8),
        (SafeTensorsDtype.Float8E4M3Fnuz, "F8_E4M3FNUZ", 8),
        (SafeTensorsDtype.Float8E5M2Fnuz, "F8_E5M2FNUZ", 8),
        (SafeTensorsDtype.Int16, "I16", 16),
        (SafeTensorsDtype.UInt16, "U16", 16),
        (SafeTensorsDtype.Float16, "F16", 16),
        (SafeTensorsDtype.BFloat16, "BF16", 16),
        (SafeTensorsDtype.Int32, "I32", 32),
        (SafeTensorsDtype.UInt32, "U32", 32),
        (SafeTensorsDtype.Float32, "F32", 32),
        (SafeTensorsDtype.Complex64, "C64", 64),
        (SafeTensorsDtype.Float64, "F64", 64),
        (SafeTensorsDtype.Int64, "I64", 64),
        (SafeTensorsDtype.UInt64, "U64", 64),
    ];

    private static readonly Dictionary<string, SafeTensorsDtype> ByName =
        Table.ToDictionary(entry => entry.Name, entry => entry.Dtype, StringComparer.Ordinal);

    /// <summary>The spelling in a file header (<c>"F32"</c>, <c>"BF16"</c>, <c>"F8_E4M3"</c>, ...).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a member of the enum.</exception>
    public static string GetHeaderName(this SafeTensorsDtype dtype) => Entry(dtype).Name;

    /// <summary>Width of one element in bits (4 and 6 for the packed sub-byte floats, 8 for <c>BOOL</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a member of the enum.</exception>
    public static int GetBitSize(this SafeTensorsDtype dtype) => Entry(dtype).Bits;

    /// <summary>True for the element types a float32 tensor (<see cref="TensorData"/>) can be read from and written to: F32, F16 and BF16.</summary>
    public static bool IsFloatingTensorType(this SafeTensorsDtype dtype) =>
        dtype is SafeTensorsDtype.Float32 or SafeTensorsDtype.Float16 or SafeTensorsDtype.BFloat16;

    /// <summary>The dtype spelled <paramref name="headerName"/> in a header (case-sensitive, as the format is).</summary>
    /// <returns>False when the spelling is not one the format defines.</returns>
    public static bool TryParseHeaderName(string headerName, out SafeTensorsDtype dtype)
    {
        ArgumentNullException.ThrowIfNull(headerName);
        return ByName.TryGetValue(headerName, out dtype);
    }

    private static (SafeTensorsDtype Dtype, string Name, int Bits) Entry(SafeTensorsDtype dtype)
    {
        int index = (int)dtype;
        if ((uint)index >= (uint)Table.Length)
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a SafeTensors dtype.");
        return Table[index];
    }
}
