namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>What a <see cref="JsonToken"/> is.</summary>
public enum JsonTokenKind
{
    /// <summary>A string used as an object key (followed by a colon).</summary>
    Key,

    /// <summary>A string value.</summary>
    String,

    /// <summary>A number (any run of digits, signs, points and exponents).</summary>
    Number,

    /// <summary>A bare word such as <c>true</c>, <c>false</c>, <c>null</c>.</summary>
    Literal,

    /// <summary>One structural byte: <c>{ } [ ] , :</c> or anything else.</summary>
    Punctuation,
}

/// <summary>A token of JSON-like text, found leniently so that already damaged text still yields tokens to mutate.</summary>
/// <param name="Start">Offset of the first byte.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Kind">What it is.</param>
public readonly record struct JsonToken(int Start, int Length, JsonTokenKind Kind)
{
    /// <summary>One past the last byte.</summary>
    public int End => Start + Length;

    /// <summary>True for the kinds that are values (not keys or punctuation).</summary>
    public bool IsValue => Kind is JsonTokenKind.String or JsonTokenKind.Number or JsonTokenKind.Literal;

    /// <summary>
    /// Splits <paramref name="text"/> into tokens. Strings run to the next unescaped quote (or the end); numbers are runs
    /// of <c>0-9 + - . e E</c>; literals are runs of letters; every other non-space byte is punctuation.
    /// </summary>
    public static List<JsonToken> Scan(ReadOnlySpan<byte> text)
    {
        var tokens = new List<JsonToken>();
        int i = 0;
        while (i < text.Length)
        {
            byte b = text[i];
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                i++;
                continue;
            }
            int start = i;
            JsonTokenKind kind;
            if (b == (byte)'"')
            {
                i++;
                while (i < text.Length && text[i] != (byte)'"') i += text[i] == (byte)'\\' ? 2 : 1;
                i = Math.Min(i + 1, text.Length);
                int next = i;
                while (next < text.Length && text[next] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') next++;
                kind = next < text.Length && text[next] == (byte)':' ? JsonTokenKind.Key : JsonTokenKind.String;
            }
            else if (b is (byte)'-' or (byte)'+' or >= (byte)'0' and <= (byte)'9')
            {
                while (i < text.Length && text[i] is (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E' or >= (byte)'0' and <= (byte)'9') i++;
                kind = JsonTokenKind.Number;
            }
            else if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z')
            {
                while (i < text.Length && text[i] is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z') i++;
                kind = JsonTokenKind.Literal;
            }
            else
            {
                i++;
                kind = JsonTokenKind.Punctuation;
            }
            tokens.Add(new JsonToken(start, i - start, kind));
        }
        return tokens;
    }
}
