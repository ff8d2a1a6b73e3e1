namespace Reversal.Training.Serialization;

/// <summary>What kind of rule a JSON text broke when read by <see cref="StrictJson"/>.</summary>
public enum StrictJsonProblemKind
{
    /// <summary>The bytes are not valid UTF-8 (RFC 8259 requires UTF-8 for exchanged JSON).</summary>
    InvalidUtf8,

    /// <summary>The text is not JSON: a syntax error, trailing content, comments, or nesting deeper than <see cref="StrictJson.MaxDepth"/>.</summary>
    InvalidJson,

    /// <summary>A string or key escapes an invalid UTF-16 sequence, such as the lone surrogate <c>"\ud800"</c>.</summary>
    InvalidString,

    /// <summary>An object repeats a key.</summary>
    DuplicateKey,

    /// <summary>The text is valid JSON but its root is not the object the caller requires.</summary>
    NotAnObject,
}
