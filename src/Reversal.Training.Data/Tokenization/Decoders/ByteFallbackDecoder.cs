using System.Text;
using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>
/// The <c>ByteFallback</c> decoder: a run of byte tokens <c>&lt;0xNN&gt;</c> becomes the text those bytes encode
/// in UTF-8; when the run is not valid UTF-8 it becomes one U+FFFD per byte (the Rust rule). Other tokens pass
/// through.
/// </summary>
internal sealed class ByteFallbackDecoder : TokenDecoder
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc />
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (string token in tokens)
        {
            if (TryParseByteToken(token, out byte value))
            {
                pending.Add(value);
                continue;
            }
            Flush(pending, result);
            result.Add(token);
        }
        Flush(pending, result);
        return result;
    }

    /// <summary>True for tokens of the form <c>&lt;0xNN&gt;</c> (two hexadecimal digits).</summary>
    public static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier,
                System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The byte token for <paramref name="value"/>, e.g. <c>&lt;0x0A&gt;</c>.</summary>
    public static string ByteToken(byte value) => $"<0x{value:X2}>";

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0) return;
        try
        {
            result.Add(s_strictUtf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending)));
        }
        catch (DecoderFallbackException)
        {
            result.Add(new string('\uFFFD', pending.Count));
        }
        pending.Clear();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "ByteFallback");
        writer.WriteEndObject();
    }
}
