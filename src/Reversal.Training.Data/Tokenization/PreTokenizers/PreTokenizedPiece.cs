namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>
/// One piece ("word") a pre-tokenizer cut from a text, with where each of its characters came from, so token
/// offsets can be traced back through pre-tokenization. When <see cref="Starts"/> is null the piece is the text's
/// characters <c>[Offset, Offset + Text.Length)</c> unchanged; otherwise (byte-level pieces, whose characters stand for
/// UTF-8 bytes, and added prefix spaces) character <c>i</c> came from <c>[Starts[i], Ends[i])</c>, and a character
/// with nothing behind it (an added space) has an empty range.
/// </summary>
internal readonly struct PreTokenizedPiece
{
    /// <summary>A piece that is the text at <paramref name="offset"/> unchanged.</summary>
    public PreTokenizedPiece(string text, int offset)
    {
        Text = text;
        Offset = offset;
    }

    /// <summary>A piece whose character <c>i</c> came from <c>[starts[i], ends[i])</c>.</summary>
    public PreTokenizedPiece(string text, int[] starts, int[] ends)
    {
        Text = text;
        Starts = starts;
        Ends = ends;
    }

    /// <summary>The piece's characters.</summary>
    public string Text { get; }

    /// <summary>Where the piece starts in the text, when it is unchanged.</summary>
    public int Offset { get; }

    /// <summary>Per character, where its source starts; null when the piece is unchanged text.</summary>
    public int[]? Starts { get; }

    /// <summary>Per character, where its source ends; null when the piece is unchanged text.</summary>
    public int[]? Ends { get; }

    /// <summary>Where the source of character <paramref name="index"/> starts.</summary>
    public int SourceStart(int index) => Starts is null ? Offset + index : Starts[index];

    /// <summary>Where the source of character <paramref name="index"/> ends.</summary>
    public int SourceEnd(int index) => Ends is null ? Offset + index + 1 : Ends[index];

    /// <summary>The characters <c>[start, start + length)</c> of this piece, with their sources.</summary>
    public PreTokenizedPiece Slice(int start, int length)
    {
        string text = start == 0 && length == Text.Length ? Text : Text.Substring(start, length);
        return Starts is null
            ? new PreTokenizedPiece(text, Offset + start)
            : new PreTokenizedPiece(text, Starts.AsSpan(start, length).ToArray(), Ends!.AsSpan(start, length).ToArray());
    }
}
