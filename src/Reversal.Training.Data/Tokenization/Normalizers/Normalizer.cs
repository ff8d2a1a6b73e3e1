using System.Text;
using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;
using Reversal.Training.Data.Tokenization.Patterns;

namespace Reversal.Training.Data.Tokenization.Normalizers;

/// <summary>
/// A <c>"normalizer"</c> component of a <c>tokenizer.json</c>: rewrites the text between added tokens before it is
/// pre-tokenized. The supported types are those of <see cref="Types"/>.
/// </summary>
internal abstract class Normalizer
{
    /// <summary>Every supported normalizer <c>"type"</c> and how it is read: the one place a normalizer is
    /// registered.</summary>
    public static ComponentTable<Normalizer> Types { get; } = new("normalizer",
        ("NFC", static (_, _) => new UnicodeNormalizer(NormalizationForm.FormC)),
        ("NFD", static (_, _) => new UnicodeNormalizer(NormalizationForm.FormD)),
        ("NFKC", static (_, _) => new UnicodeNormalizer(NormalizationForm.FormKC)),
        ("NFKD", static (_, _) => new UnicodeNormalizer(NormalizationForm.FormKD)),
        ("Lowercase", static (_, _) => new LowercaseNormalizer()),
        ("Prepend", static (element, scope) => new PrependNormalizer(scope.RequiredString(element, "prepend"))),
        ("Replace", static (element, scope) => new ReplaceNormalizer(
            TextPattern.Read(element, scope, "pattern"), scope.RequiredString(element, "content"))),
        ("Sequence", static (element, scope) => new SequenceNormalizer(Types!.ReadList(element, scope, "normalizers"))));

    /// <summary>The normalized form of <paramref name="text"/>.</summary>
    public abstract string Normalize(string text);

    /// <summary>Writes the component as a JSON object (with its <c>"type"</c>).</summary>
    public abstract void Write(Utf8JsonWriter writer);
}
