namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>Format-blind mutations: bit flips, interesting bytes, truncation, deletion, duplication, splices, invalid UTF-8.</summary>
public static class ByteMutators
{
    private static readonly byte[] InterestingBytes =
        [0x00, 0x01, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xED, 0xF4, 0xF8, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}',
         (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'\n', (byte)'\r', (byte)'0', (byte)'9', (byte)'-', (byte)'e'];

    /// <summary>Byte sequences that are not UTF-8: a bad lead byte, a lone continuation, an encoded surrogate, an
    /// overlong NUL, a code point above U+10FFFF, a truncated sequence.</summary>
    public static IReadOnlyList<byte[]> InvalidUtf8 { get; } =
        [[0xC3, 0x28], [0x80], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFE, 0xFF]];

    /// <summary>Flips one to eight random bits.</summary>
    public static Mutator FlipBits { get; } = new("flip bits", (input, random, _) =>
    {
        var output = (byte[])input.Clone();
        if (output.Length == 0) return output;
        for (int n = random.Next(1, 9); n > 0; n--) output[random.Next(output.Length)] ^= (byte)(1 << random.Next(8));
        return output;
    });

    /// <summary>Sets one to four random bytes to values that matter to parsers.</summary>
    public static Mutator SetInterestingBytes { get; } = new("interesting bytes", (input, random, _) =>
    {
        var output = (byte[])input.Clone();
        if (output.Length == 0) return output;
        for (int n = random.Next(1, 5); n > 0; n--) output[random.Next(output.Length)] = InterestingBytes[random.Next(InterestingBytes.Length)];
        return output;
    });

    /// <summary>Keeps a random prefix.</summary>
    public static Mutator Truncate { get; } = new("truncate", (input, random, _) => input[..random.Next(input.Length + 1)]);

    /// <summary>Removes a random range.</summary>
    public static Mutator DeleteRange { get; } = new("delete range", (input, random, _) =>
    {
        if (input.Length == 0) return input;
        int start = random.Next(input.Length), length = random.Next(1, Math.Min(64, input.Length - start) + 1);
        return [.. input.AsSpan(0, start), .. input.AsSpan(start + length)];
    });

    /// <summary>Copies a random range to a random place.</summary>
    public static Mutator DuplicateRange { get; } = new("duplicate range", (input, random, _) =>
    {
        if (input.Length == 0) return input;
        int start = random.Next(input.Length), length = random.Next(1, Math.Min(256, input.Length - start) + 1), at = random.Next(input.Length + 1);
        return [.. input.AsSpan(0, at), .. input.AsSpan(start, length), .. input.AsSpan(at)];
    });

    /// <summary>A prefix of the input followed by a suffix of a random seed.</summary>
    public static Mutator Splice { get; } = new("splice", (input, random, seeds) =>
    {
        var other = seeds[random.Next(seeds.Count)];
        return [.. input.AsSpan(0, random.Next(input.Length + 1)), .. other.AsSpan(random.Next(other.Length + 1))];
    });

    /// <summary>Inserts a sequence that is not UTF-8, preferably just inside a string.</summary>
    public static Mutator InsertInvalidUtf8 { get; } = new("invalid UTF-8", (input, random, _) =>
    {
        int at = RandomIndexAfter(input, (byte)'"', random);
        return [.. input.AsSpan(0, at), .. InvalidUtf8[random.Next(InvalidUtf8.Count)], .. input.AsSpan(at)];
    });

    /// <summary>All of the above.</summary>
    public static IReadOnlyList<Mutator> All { get; } = [FlipBits, SetInterestingBytes, Truncate, DeleteRange, DuplicateRange, Splice, InsertInvalidUtf8];

    /// <summary>A random offset just after an occurrence of <paramref name="marker"/>, or any offset when there is none.</summary>
    internal static int RandomIndexAfter(byte[] input, byte marker, Random random)
    {
        int count = input.AsSpan().Count(marker);
        if (count == 0) return random.Next(input.Length + 1);
        int pick = random.Next(count);
        for (int i = 0; i < input.Length; i++)
            if (input[i] == marker && pick-- == 0) return i + 1;
        return input.Length;
    }
}
