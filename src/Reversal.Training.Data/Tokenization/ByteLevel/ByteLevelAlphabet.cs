using System.Text;

namespace Reversal.Training.Data.Tokenization.ByteLevel;

/// <summary>
/// The GPT-2 byte-to-character table used by byte-level BPE: every byte 0..255 is written as one printable
/// character, so any UTF-8 text becomes a string over a 256-symbol alphabet. The printable bytes <c>!</c>..<c>~</c>,
/// <c>¡</c>..<c>¬</c> and <c>®</c>..<c>ÿ</c> stand for themselves; the 68 others (controls, space, U+007F..U+00A0,
/// U+00AD) map in byte order to U+0100, U+0101, ... (so a space is <c>Ġ</c> and a newline <c>Ċ</c>).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] s_byteToChar = BuildByteToChar();
    private static readonly short[] s_charToByte = BuildCharToByte(s_byteToChar);

    /// <summary>The character standing for <paramref name="value"/>.</summary>
    public static char ByteToChar(byte value) => s_byteToChar[value];

    /// <summary>The byte a character stands for, or false when it is not one of the 256 alphabet characters.</summary>
    public static bool TryGetByte(char c, out byte value)
    {
        if (c < s_charToByte.Length && s_charToByte[c] >= 0)
        {
            value = (byte)s_charToByte[c];
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>The 256 alphabet characters in byte order (index = byte value).</summary>
    public static IReadOnlyList<char> Characters => s_byteToChar;

    /// <summary>Writes the UTF-8 bytes of <paramref name="text"/> as alphabet characters (a lone surrogate becomes
    /// the bytes of U+FFFD, as in every UTF-8 encoder with replacement).</summary>
    public static string Encode(ReadOnlySpan<char> text)
    {
        int byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        Span<byte> bytes = byteCount <= 512 ? stackalloc byte[byteCount] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            int written = Encoding.UTF8.GetBytes(text, bytes);
            Span<char> chars = written <= 512 ? stackalloc char[written] : new char[written];
            for (int i = 0; i < written; i++) chars[i] = s_byteToChar[bytes[i]];
            return new string(chars);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var table = new short[byteToChar.Max() + 1];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < byteToChar.Length; b++) table[byteToChar[b]] = (short)b;
        return table;
    }
}
