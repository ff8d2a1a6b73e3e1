using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>The <c>Strip</c> decoder: removes up to <see cref="Start"/> leading and <see cref="Stop"/> trailing
/// occurrences of the character <see cref="Content"/> from each token (SentencePiece: the space its
/// <c>Prepend</c> normalizer added).</summary>
internal sealed class StripDecoder(string content, int start, int stop) : TokenDecoder
{
    /// <summary>The character removed (<c>"content"</c>, one code point).</summary>
    public string Content { get; } = content;

    /// <summary>How many leading occurrences are removed at most (<c>"start"</c>).</summary>
    public int Start { get; } = start;

    /// <summary>How many trailing occurrences are removed at most (<c>"stop"</c>).</summary>
    public int Stop { get; } = stop;

    /// <summary>Reads <c>{"type": "Strip", "content": " ", "start": 1, "stop": 0}</c>.</summary>
    public static StripDecoder Read(JsonElement element, JsonScope scope)
    {
        string content = scope.RequiredString(element, "content");
        bool oneCharacter = (content.Length == 1 && !char.IsSurrogate(content[0]))
            || (content.Length == 2 && char.IsSurrogatePair(content[0], content[1]));
        if (!oneCharacter)
            throw scope.Child("content").Error("must be exactly one character");
        int start = scope.RequiredInt(element, "start");
        int stop = scope.RequiredInt(element, "stop");
        if (start < 0 || stop < 0) throw scope.Error("'start' and 'stop' must not be negative");
        return new StripDecoder(content, start, stop);
    }

    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(Strip);

    private string Strip(string token)
    {
        int begin = 0;
        for (int i = 0; i < Start && token.AsSpan(begin).StartsWith(Content, StringComparison.Ordinal); i++) begin += Content.Length;
        int end = token.Length;
        for (int i = 0; i < Stop && end - Content.Length >= begin && token.AsSpan(begin, end - begin).EndsWith(Content, StringComparison.Ordinal); i++)
            end -= Content.Length;
        return token[begin..end];
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Strip");
        writer.WriteString("content", Content);
        writer.WriteNumber("start", Start);
        writer.WriteNumber("stop", Stop);
        writer.WriteEndObject();
    }
}
