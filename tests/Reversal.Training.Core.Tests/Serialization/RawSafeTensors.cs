using System.Buffers.Binary;
using System.Text;

namespace Reversal.Training.Core.Tests.Serialization;

/// <summary>Hand-made SafeTensors files for the validation tests.</summary>
internal static class RawSafeTensors
{
    /// <summary>Writes an 8-byte length prefix (by default the header's length), the header bytes and the data.</summary>
    public static string Write(string path, byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes <paramref name="headerJson"/> (UTF-8) and <paramref name="dataBytes"/> zero bytes of data.</summary>
    public static string Write(string path, string headerJson, int dataBytes) =>
        Write(path, Encoding.UTF8.GetBytes(headerJson), new byte[dataBytes]);

    /// <summary>The bytes of float32 values, little-endian.</summary>
    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }
}
