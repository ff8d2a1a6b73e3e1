using System.Globalization;
using System.Text;

namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>
/// Splits text into the pieces a word-level vocabulary is made of: a word is a maximal run of Unicode letters,
/// digits and combining marks (<c>\p{L}\p{N}\p{M}</c>); every other non-whitespace character (a whole surrogate
/// pair counts as one) is a piece of its own; whitespace separates pieces and is dropped.
/// </summary>
internal static class WordPreTokenizer
{
    /// <summary>Calls <paramref name="onPiece"/> with (start, length) of every piece of <paramref name="text"/>, in order.</summary>
    public static void Split<TState>(ReadOnlySpan<char> text, ref TState state, PieceHandler<TState> onPiece)
    {
        int i = 0;
        while (i < text.Length)
        {
            int length = NextRune(text, i, out Rune rune);
            if (Rune.IsWhiteSpace(rune))
            {
                i += length;
                continue;
            }

            int start = i;
            i += length;
            if (IsWordRune(rune))
            {
                while (i < text.Length)
                {
                    int next = NextRune(text, i, out Rune following);
                    if (!IsWordRune(following)) break;
                    i += next;
                }
            }
            onPiece(ref state, text, start, i - start);
        }
    }

    /// <summary>The pieces of <paramref name="text"/> as strings (convenience for tests and tools).</summary>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        Split(text, ref pieces, static (ref List<string> list, ReadOnlySpan<char> source, int start, int length)
            => list.Add(source.Slice(start, length).ToString()));
        return pieces;
    }

    /// <summary>True for letters, digits/numbers and combining marks: the characters words are made of.</summary>
    public static bool IsWordRune(Rune rune)
    {
        if (rune.IsAscii)
        {
            int c = rune.Value;
            return (uint)(c - 'a') <= 'z' - 'a' || (uint)(c - 'A') <= 'Z' - 'A' || (uint)(c - '0') <= 9;
        }
        // UppercaseLetter (0) .. OtherLetter (4), NonSpacingMark (5) .. EnclosingMark (7),
        // DecimalDigitNumber (8) .. OtherNumber (10).
        return Rune.GetUnicodeCategory(rune) <= UnicodeCategory.OtherNumber;
    }

    private static int NextRune(ReadOnlySpan<char> text, int index, out Rune rune)
    {
        // Invalid UTF-16 (a lone surrogate) decodes as U+FFFD with length 1: a one-character symbol piece.
        Rune.DecodeFromUtf16(text[index..], out rune, out int consumed);
        return consumed;
    }
}

/// <summary>Receives one piece found by <see cref="WordPreTokenizer"/>: <c>source.Slice(start, length)</c>.</summary>
internal delegate void PieceHandler<TState>(ref TState state, ReadOnlySpan<char> source, int start, int length);
