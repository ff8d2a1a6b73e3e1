using System.Text;
using System.Text.Json;
using Reversal.Training.Data.Tokenization.ByteLevel;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>
/// The <c>ByteLevel</c> decoder: maps every character of the tokens back to its byte with the
/// <see cref="ByteLevelAlphabet"/> and decodes the bytes as UTF-8 (invalid sequences become U+FFFD). A token holding
/// a character outside the alphabet contributes its own UTF-8 bytes, as in the Rust implementation.
/// </summary>
internal sealed class ByteLevelDecoder(bool addPrefixSpace, bool trimOffsets, bool useRegex) : TokenDecoder
{
    /// <summary>Stored for round-tripping (<c>"add_prefix_space"</c>); decoding does not use it.</summary>
    public bool AddPrefixSpace { get; } = addPrefixSpace;

    /// <summary>Stored for round-tripping (<c>"trim_offsets"</c>).</summary>
    public bool TrimOffsets { get; } = trimOffsets;

    /// <summary>Stored for round-tripping (<c>"use_regex"</c>).</summary>
    public bool UseRegex { get; } = useRegex;

    /// <summary>Creates the component from its <c>tokenizer.json</c> flags.</summary>
    public static ByteLevelDecoder From(ByteLevelSettings settings) => new(settings.AddPrefixSpace, settings.TrimOffsets, settings.UseRegex);

    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            int mark = bytes.Count;
            foreach (char c in token)
            {
                if (!ByteLevelAlphabet.TryGetByte(c, out byte value))
                {
                    bytes.RemoveRange(mark, bytes.Count - mark);
                    bytes.AddRange(Encoding.UTF8.GetBytes(token));
                    break;
                }
                bytes.Add(value);
            }
        }
        return [Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))];
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        new ByteLevelSettings(AddPrefixSpace, TrimOffsets, UseRegex).Write(writer);
    }
}
