using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>The <c>BPEDecoder</c> decoder (for models with an <c>end_of_word_suffix</c>): the suffix in each token
/// becomes a space, except in the last token where it is removed.</summary>
internal sealed class BpeSuffixDecoder(string suffix) : TokenDecoder
{
    /// <summary>The end-of-word suffix (<c>"suffix"</c>, default <c>&lt;/w&gt;</c>).</summary>
    public string Suffix { get; } = suffix;

    /// <summary>Reads <c>{"type": "BPEDecoder", "suffix": "&lt;/w&gt;"}</c>; a missing suffix is <c>&lt;/w&gt;</c>.</summary>
    /// <exception cref="TokenizerFormatException">The suffix is not a string or is empty.</exception>
    public static BpeSuffixDecoder Read(JsonElement element, JsonScope scope)
    {
        string suffix = scope.OptionalString(element, "suffix") ?? "</w>";
        if (suffix.Length == 0) throw scope.Child("suffix").Error("must not be empty");
        return new BpeSuffixDecoder(suffix);
    }

    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
            result.Add(tokens[i].Replace(Suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal));
        return result;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "BPEDecoder");
        writer.WriteString("suffix", Suffix);
        writer.WriteEndObject();
    }
}
