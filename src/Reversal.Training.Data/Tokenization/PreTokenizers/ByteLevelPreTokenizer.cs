using System.Text.Json;
using Reversal.Training.Data.Tokenization.ByteLevel;
using Reversal.Training.Data.Tokenization.Patterns;

namespace Reversal.Training.Data.Tokenization.PreTokenizers;

/// <summary>
/// The <c>ByteLevel</c> pre-tokenizer: optionally splits text with the GPT-2 pattern
/// (<see cref="Gpt2Pattern"/>), then writes every piece's UTF-8 bytes with the <see cref="ByteLevelAlphabet"/>.
/// </summary>
/// <remarks><c>\s</c> in the pattern is Unicode White_Space, as in the Rust implementation (the JavaScript one uses
/// JavaScript's <c>\s</c>, which differs for U+0085 and U+FEFF).</remarks>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool trimOffsets, bool useRegex) : PreTokenizer
{
    /// <summary>The GPT-2 pre-tokenization pattern used when <see cref="UseRegex"/> is true.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Lazy<CodePointRegex> s_gpt2 = new(() => new CodePointRegex(Gpt2Pattern));

    /// <summary>Prepend a space to a piece that does not start with one (<c>"add_prefix_space"</c>).</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary>Offsets trimming flag (<c>"trim_offsets"</c>); it only affects offsets, which are not computed here.</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary>Split with <see cref="Gpt2Pattern"/> before byte encoding (<c>"use_regex"</c>).</summary>
    public bool UseRegex { get; } = useRegex;

    /// <summary>Creates the component from its <c>tokenizer.json</c> flags.</summary>
    public static ByteLevelPreTokenizer From(ByteLevelSettings settings) => new(settings.AddPrefixSpace, settings.TrimOffsets, settings.UseRegex);

    /// <inheritdoc />
    public override void PreTokenize(in PreTokenizedPiece piece, List<PreTokenizedPiece> pieces, bool trace)
    {
        PreTokenizedPiece text = piece;
        if (AddPrefixSpace && !piece.Text.StartsWith(' ')) text = WithPrefixSpace(piece, trace);
        if (!UseRegex)
        {
            if (text.Text.Length > 0) pieces.Add(Encode(text, 0, text.Text.Length, trace));
            return;
        }
        var matches = new List<(int Start, int Length)>();
        s_gpt2.Value.FindMatches(text.Text, matches);
        int position = 0;
        foreach ((int start, int length) in matches)
        {
            if (start > position) pieces.Add(Encode(text, position, start - position, trace));
            pieces.Add(Encode(text, start, length, trace));
            position = start + length;
        }
        if (position < text.Text.Length) pieces.Add(Encode(text, position, text.Text.Length - position, trace));
    }

    /// <summary>The piece with a space in front that comes from nowhere (an empty source range at its start).</summary>
    private static PreTokenizedPiece WithPrefixSpace(in PreTokenizedPiece piece, bool trace)
    {
        string text = " " + piece.Text;
        if (!trace) return new PreTokenizedPiece(text, 0);
        int length = piece.Text.Length;
        int[] starts = new int[length + 1];
        int[] ends = new int[length + 1];
        int origin = length > 0 ? piece.SourceStart(0) : piece.Offset;
        (starts[0], ends[0]) = (origin, origin);
        for (int i = 0; i < length; i++) (starts[i + 1], ends[i + 1]) = (piece.SourceStart(i), piece.SourceEnd(i));
        return new PreTokenizedPiece(text, starts, ends);
    }

    /// <summary>The UTF-8 bytes of the characters <c>[start, start + length)</c> of <paramref name="piece"/> as
    /// alphabet characters; traced, every byte of a character (a surrogate pair counts as one) comes from that
    /// character's source.</summary>
    private static PreTokenizedPiece Encode(in PreTokenizedPiece piece, int start, int length, bool trace)
    {
        ReadOnlySpan<char> chars = piece.Text.AsSpan(start, length);
        string encoded = ByteLevelAlphabet.Encode(chars);
        if (!trace) return new PreTokenizedPiece(encoded, 0);
        int[] starts = new int[encoded.Length];
        int[] ends = new int[encoded.Length];
        Span<byte> buffer = stackalloc byte[4];
        int b = 0;
        for (int i = 0; i < chars.Length;)
        {
            int width = char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            int bytes = System.Text.Encoding.UTF8.GetBytes(chars.Slice(i, width), buffer);
            int from = piece.SourceStart(start + i), to = piece.SourceEnd(start + i + width - 1);
            for (int k = 0; k < bytes; k++, b++) (starts[b], ends[b]) = (from, to);
            i += width;
        }
        return new PreTokenizedPiece(encoded, starts, ends);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        new ByteLevelSettings(AddPrefixSpace, TrimOffsets, UseRegex).Write(writer);
    }
}
