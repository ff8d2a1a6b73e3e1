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
        Validate(span, toException);
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

    /// <summary>One pass of the reader over the whole text: grammar, depth, string escapes, repeated keys.</summary>
    private static void Validate(ReadOnlySpan<byte> json, Func<StrictJsonProblem, Exception> toException)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        var frames = new List<Frame>();
        while (Next(ref reader, json, frames, toException))
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    EnterValue(frames);
                    frames.Add(new Frame(new HashSet<string>(StringComparer.Ordinal)));
                    break;
                case JsonTokenType.StartArray:
                    EnterValue(frames);
                    frames.Add(new Frame(null));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    var frame = frames[^1];
                    frame.Key = ReadString(ref reader, json, frames, toException);
                    if (!frame.Keys!.Add(frame.Key))
                        throw toException(At(json, StrictJsonProblemKind.DuplicateKey, $"the key '{frame.Key}' appears more than once", reader.TokenStartIndex, PathOf(frames)));
                    break;
                case JsonTokenType.String:
                    EnterValue(frames);
                    if (reader.ValueIsEscaped) CheckEscapes(ref reader, json, frames, toException);
                    break;
                default:
                    EnterValue(frames);
                    break;
            }
        }
    }

    /// <summary>Advances the reader; a syntax error becomes the caller's exception (thrown outside the catch, so it is never re-caught).</summary>
    private static bool Next(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<Frame> frames, Func<StrictJsonProblem, Exception> toException)
    {
        JsonException? syntax;
        try
        {
            return reader.Read();
        }
        catch (JsonException ex)
        {
            syntax = ex;
        }
        throw toException(Syntax(json, syntax, reader.BytesConsumed));
    }

    /// <summary>Counts a value inside an array, so that paths name its position.</summary>
    private static void EnterValue(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].Keys is null) frames[^1].Items++;
    }

    private static string ReadString(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<Frame> frames, Func<StrictJsonProblem, Exception> toException)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw toException(InvalidEscapes(json, reader.TokenStartIndex, PathOf(frames)));
        }
    }

    /// <summary>Unescapes the current string into pooled memory, only to prove it is valid UTF-16.</summary>
    private static void CheckEscapes(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<Frame> frames, Func<StrictJsonProblem, Exception> toException)
    {
        // Unescaped, a string has at most as many UTF-16 units as its escaped form has bytes.
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, reader.ValueSpan.Length));
        try
        {
            reader.CopyString(buffer);
        }
        catch (InvalidOperationException)
        {
            throw toException(InvalidEscapes(json, reader.TokenStartIndex, PathOf(frames)));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static StrictJsonProblem InvalidEscapes(ReadOnlySpan<byte> json, long offset, IReadOnlyList<string> path) =>
        At(json, StrictJsonProblemKind.InvalidString, "a string escapes an invalid UTF-16 sequence (a lone surrogate such as \\ud800)", offset, path);

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

    private static StrictJsonProblem Syntax(ReadOnlySpan<byte> json, JsonException ex, long fallbackOffset)
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

    private static StrictJsonProblem At(ReadOnlySpan<byte> json, StrictJsonProblemKind kind, string problem, long offset, IReadOnlyList<string> path)
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

    private static string[] PathOf(List<Frame> frames)
    {
        var path = new List<string>(frames.Count);
        foreach (var frame in frames)
        {
            if (frame.Keys is null)
            {
                if (frame.Items > 0) path.Add("[" + (frame.Items - 1).ToString(CultureInfo.InvariantCulture) + "]");
            }
            else if (frame.Key is not null)
            {
                path.Add(frame.Key);
            }
        }
        return [.. path];
    }

    /// <summary>An open array (<see cref="Keys"/> null, <see cref="Items"/> counted) or object (its keys so far).</summary>
    private sealed class Frame(HashSet<string>? keys)
    {
        public HashSet<string>? Keys { get; } = keys;
        public string? Key { get; set; }
        public int Items { get; set; }
    }
}
