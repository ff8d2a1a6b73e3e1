using System.Buffers;
using System.Globalization;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Reversal.Training.Serialization;

/// <summary>
/// The one strict JSON reader behind every file the library loads (SafeTensors headers, <c>config.json</c>, the shard
/// index, <c>trainer_state.json</c>, JSONL lines): RFC 8259 JSON in UTF-8 and nothing else, every problem reported to
/// the caller as a <see cref="StrictJsonProblem"/> that it turns into its own typed exception.
/// </summary>
/// <remarks>
/// <para>Refused, in this order: bytes that are not UTF-8 (<see cref="StrictJsonProblemKind.InvalidUtf8"/>); anything
/// that is not exactly one JSON value — comments, trailing commas, a byte-order mark, trailing content, nesting deeper
/// than <see cref="MaxDepth"/> (<see cref="StrictJsonProblemKind.InvalidJson"/>); a string or key whose escapes do not
/// form valid UTF-16, such as the lone surrogate <c>"\ud800"</c> (<see cref="StrictJsonProblemKind.InvalidString"/>);
/// a key repeated within one object, compared after unescaping (<see cref="StrictJsonProblemKind.DuplicateKey"/>).
/// After a successful parse every string of the document can be read with <see cref="JsonElement.GetString"/>
/// without the <see cref="InvalidOperationException"/> System.Text.Json otherwise raises for such input.</para>
/// <para>Cost: one validating pass (it allocates the key strings of the objects being read, each set released when its
/// object closes) and then <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>, which does not
/// copy the bytes and indexes them in pooled memory of about 12 bytes per JSON token. The peak memory of a parse is
/// therefore below about 12 bytes per input byte for the most token-dense text, and about 2 for typical files.</para>
/// </remarks>
public static class StrictJson
{
    /// <summary>The deepest nesting of arrays and objects accepted (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = MaxDepth,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = MaxDepth,
    };

    /// <summary>Parses <paramref name="utf8Json"/> as one JSON value; the caller disposes the document.</summary>
    /// <param name="utf8Json">The JSON text. The document refers to this memory: keep it unchanged while the document is used.</param>
    /// <param name="toException">Turns the first problem found into the exception to throw (the caller's typed exception,
    /// naming its file).</param>
    /// <returns>The parsed document; every string in it is valid UTF-16 and no object repeats a key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="toException"/> is null.</exception>
    /// <remarks>Every other failure is the exception <paramref name="toException"/> returns.</remarks>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, Func<StrictJsonProblem, Exception> toException)
    {
        ArgumentNullException.ThrowIfNull(toException);
        var span = utf8Json.Span;
        if (!Utf8.IsValid(span)) throw toException(InvalidUtf8(span));
        StrictJsonValidator.Validate(span, ReaderOptions, toException);
        try
        {
            return JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            // Unreachable after Validate, which applies the same grammar; kept so that no JsonException can escape.
            throw toException(Syntax(span, ex, 0));
        }
    }

    /// <summary>Parses <paramref name="utf8Json"/> as <see cref="Parse"/> does and requires the root to be an object.</summary>
    /// <inheritdoc cref="Parse" path="/param"/>
    /// <returns>The parsed document, whose root is an object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="toException"/> is null.</exception>
    /// <remarks>Every other failure, including a root that is not an object
    /// (<see cref="StrictJsonProblemKind.NotAnObject"/>), is the exception <paramref name="toException"/> returns.</remarks>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> utf8Json, Func<StrictJsonProblem, Exception> toException)
    {
        var document = Parse(utf8Json, toException);
        var kind = document.RootElement.ValueKind;
        if (kind == JsonValueKind.Object) return document;
        document.Dispose();
        long start = FirstNonWhitespace(utf8Json.Span);
        throw toException(At(utf8Json.Span, StrictJsonProblemKind.NotAnObject, $"the content is a JSON {Describe(kind)}, not an object", start, []));
    }

    /// <summary>The JSON type name used in messages: "object", "array", "string", "number", "boolean" or "null".</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    /// <summary>
    /// The JSON text of <paramref name="value"/> for an error message, cut after <paramref name="maxBytes"/> bytes (marked
    /// with an ellipsis), so that a message costs no more memory than that however large the value is.
    /// </summary>
    public static string Excerpt(JsonElement value, int maxBytes = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length <= maxBytes) return Encoding.UTF8.GetString(raw);
        int cut = maxBytes;
        while (cut > 0 && (raw[cut] & 0xC0) == 0x80) cut--; // do not split a UTF-8 sequence
        return Encoding.UTF8.GetString(raw[..cut]) + "…";
    }

    private static StrictJsonProblem InvalidUtf8(ReadOnlySpan<byte> json)
    {
        // Only on failure: find the first invalid byte by transcoding in small steps.
        Span<char> scratch = stackalloc char[512];
        long offset = 0;
        var rest = json;
        while (true)
        {
            var status = Utf8.ToUtf16(rest, scratch, out int read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            offset += read;
            rest = rest[read..];
            if (status != OperationStatus.DestinationTooSmall) break;
        }
        string detail = rest.IsEmpty ? "" : $" (byte 0x{rest[0]:X2} does not start a valid sequence)";
        return At(json, StrictJsonProblemKind.InvalidUtf8, "not valid UTF-8" + detail, offset, []);
    }

    /// <summary>The problem of a syntax error, located from the exception's line and column.</summary>
    internal static StrictJsonProblem Syntax(ReadOnlySpan<byte> json, JsonException ex, long fallbackOffset)
    {
        string message = ex.Message;
        int suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0) message = message[..suffix];
        long offset = fallbackOffset;
        if (ex.LineNumber is long line && ex.BytePositionInLine is long column)
        {
            long lineStart = 0;
            for (long l = 0; l < line && lineStart < json.Length; l++)
            {
                int newline = json[(int)lineStart..].IndexOf((byte)'\n');
                if (newline < 0) break;
                lineStart += newline + 1;
            }
            offset = Math.Min(json.Length, lineStart + column);
        }
        return At(json, StrictJsonProblemKind.InvalidJson, $"not valid JSON ({message.TrimEnd('.')})", offset, []);
    }

    /// <summary>A problem at <paramref name="offset"/>, with its line and column.</summary>
    internal static StrictJsonProblem At(ReadOnlySpan<byte> json, StrictJsonProblemKind kind, string problem, long offset, IReadOnlyList<string> path)
    {
        var before = json[..(int)Math.Min(offset, json.Length)];
        int lastNewline = before.LastIndexOf((byte)'\n');
        long line = before.Count((byte)'\n') + 1;
        long column = offset - (lastNewline + 1) + 1;
        return new StrictJsonProblem(kind, problem, offset, line, column, path);
    }

    private static long FirstNonWhitespace(ReadOnlySpan<byte> json)
    {
        int index = json.IndexOfAnyExcept(" \t\r\n"u8);
        return index < 0 ? json.Length : index;
    }

}
