using System.Buffers.Binary;

namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// Mutations that know the SafeTensors layout (8-byte little-endian header length, JSON header, data): the header
/// mutated as JSON with its length prefix kept consistent (so the damage reaches the JSON and layout checks), the
/// prefix set to extreme lengths, and data bytes overwritten with NaN, infinities and other special floats.
/// </summary>
public static class SafeTensorsMutators
{
    private static readonly ulong[] ExtremeLengths =
        [0, 1, 2, 7, 8, 99_999_999, 100_000_000, 100_000_001, int.MaxValue, uint.MaxValue, long.MaxValue, ulong.MaxValue, 1UL << 63];

    private static readonly uint[] SpecialFloat32Bits = [0x7FC00000, 0x7F800000, 0xFF800000, 0x7F7FFFFF, 0x00000001, 0x80000000, 0xFFFFFFFF];

    private static readonly ushort[] Special16Bits = [0x7C00, 0xFC00, 0x7E00, 0x7F80, 0xFF80, 0x7FC0, 0xFFFF, 0x0001];

    /// <summary>The header and data of <paramref name="file"/> when its length prefix fits the file; otherwise null.</summary>
    public static (byte[] Header, byte[] Data)? Split(byte[] file)
    {
        if (file.Length < 8) return null;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > (ulong)(file.Length - 8)) return null;
        return (file[8..(8 + (int)length)], file[(8 + (int)length)..]);
    }

    /// <summary>A SafeTensors file of <paramref name="header"/> and <paramref name="data"/> with a matching length prefix.</summary>
    public static byte[] Join(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary><paramref name="inner"/> applied to the JSON header only, the length prefix rewritten to match.</summary>
    public static Mutator InHeader(Mutator inner) => new("header: " + inner.Name, (input, random, seeds) =>
    {
        if (Split(input) is not (byte[] header, byte[] data)) return inner.Apply(input, random, seeds);
        var headers = seeds.Select(Split).Where(s => s is not null).Select(s => s!.Value.Header).ToList();
        return Join(inner.Apply(header, random, headers.Count > 0 ? headers : seeds), data);
    });

    /// <summary>Sets the header length prefix to an extreme or off-by-one length.</summary>
    public static Mutator LengthPrefix { get; } = new("length prefix", (input, random, _) =>
    {
        if (input.Length < 8) return input;
        var output = (byte[])input.Clone();
        ulong current = BinaryPrimitives.ReadUInt64LittleEndian(output);
        ulong[] nearby = [current - 1, current + 1, current + 8, (ulong)(input.Length - 8), (ulong)(input.Length - 7)];
        ulong value = random.Next(2) == 0 ? ExtremeLengths[random.Next(ExtremeLengths.Length)] : nearby[random.Next(nearby.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(output, value);
        return output;
    });

    /// <summary>Overwrites one to four data elements with NaN, infinities, the largest float, a denormal or negative zero.</summary>
    public static Mutator SpecialFloats { get; } = new("special floats", (input, random, _) =>
    {
        if (Split(input) is not (byte[] header, byte[] data) || data.Length < 2) return input;
        var output = (byte[])data.Clone();
        for (int n = random.Next(1, 5); n > 0; n--)
        {
            if (random.Next(2) == 0 && output.Length >= 4)
                BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(random.Next(output.Length / 4) * 4), SpecialFloat32Bits[random.Next(SpecialFloat32Bits.Length)]);
            else
                BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(random.Next(output.Length / 2) * 2), Special16Bits[random.Next(Special16Bits.Length)]);
        }
        return Join(header, output);
    });

    /// <summary>Every mutation a SafeTensors file is fuzzed with: header JSON mutations, prefix, data, and the byte-level ones on the whole file.</summary>
    public static IReadOnlyList<Mutator> All { get; } =
        [.. JsonMutators.WithByteMutators.Select(InHeader), LengthPrefix, SpecialFloats, SpecialFloats, .. ByteMutators.All];

    /// <summary>The systematic pass on the header: every header value at every extreme, the prefix kept consistent.</summary>
    public static IEnumerable<SystematicInput> EveryHeaderValueAtEveryExtreme(byte[] file)
    {
        if (Split(file) is not (byte[] header, byte[] data)) yield break;
        foreach (var systematic in JsonMutators.EveryValueAtEveryExtreme(header))
            yield return new SystematicInput("header " + systematic.Description, () => Join(systematic.Make(), data));
    }
}
