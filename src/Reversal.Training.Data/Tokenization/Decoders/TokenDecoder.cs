using System.Text.Json;
using Reversal.Training.Data.Tokenization.ByteLevel;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.Patterns;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>
/// A <c>"decoder"</c> component of a <c>tokenizer.json</c>: turns the token strings of a decoded id sequence back
/// into text. Each decoder maps a list of strings to a list of strings (so decoders can be chained); the final text
/// is their concatenation. The supported types are those of <see cref="Types"/>.
/// </summary>
internal abstract class TokenDecoder
{
    /// <summary>Every supported decoder <c>"type"</c> and how it is read: the one place a decoder is registered.</summary>
    public static ComponentTable<TokenDecoder> Types { get; } = new("decoder",
        ("ByteLevel", static (element, scope) => ByteLevelDecoder.From(ByteLevelSettings.Read(element, scope))),
        ("ByteFallback", static (_, _) => new ByteFallbackDecoder()),
        ("Fuse", static (_, _) => new FuseDecoder()),
        ("Replace", static (element, scope) => new ReplaceDecoder(
            TextPattern.Read(element, scope, "pattern"), scope.RequiredString(element, "content"))),
        ("Strip", StripDecoder.Read),
        ("BPEDecoder", BpeSuffixDecoder.Read),
        ("Sequence", static (element, scope) => new SequenceDecoder(Types!.ReadList(element, scope, "decoders"))));

    /// <summary>Transforms the token strings.</summary>
    public abstract List<string> DecodeChain(List<string> tokens);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);
}
