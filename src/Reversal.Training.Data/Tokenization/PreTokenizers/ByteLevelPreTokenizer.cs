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
    public override void PreTokenize(string text, List<string> pieces)
    {
        if (AddPrefixSpace && !text.StartsWith(' ')) text = " " + text;
        if (!UseRegex)
        {
            if (text.Length > 0) pieces.Add(ByteLevelAlphabet.Encode(text));
            return;
        }
        var matches = new List<(int Start, int Length)>();
        s_gpt2.Value.FindMatches(text, matches);
        int position = 0;
        foreach ((int start, int length) in matches)
        {
            if (start > position) pieces.Add(ByteLevelAlphabet.Encode(text.AsSpan(position, start - position)));
            pieces.Add(ByteLevelAlphabet.Encode(text.AsSpan(start, length)));
            position = start + length;
        }
        if (position < text.Length) pieces.Add(ByteLevelAlphabet.Encode(text.AsSpan(position)));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        new ByteLevelSettings(AddPrefixSpace, TrimOffsets, UseRegex).Write(writer);
    }
}
