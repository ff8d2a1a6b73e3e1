using System.Text;
using System.Text.Json;

namespace Reversal.Training.Data.Tokenization.Normalizers;

/// <summary>The <c>NFC</c>, <c>NFD</c>, <c>NFKC</c> and <c>NFKD</c> normalizers: Unicode normalization forms.</summary>
/// <remarks>A lone surrogate (invalid UTF-16, which .NET refuses to normalize) is kept as is and the text on either
/// side of it is normalized separately.</remarks>
internal sealed class UnicodeNormalizer : Normalizer
{
    private readonly NormalizationForm _form;

    /// <summary>Creates the normalizer of a Unicode normalization form.</summary>
    public UnicodeNormalizer(NormalizationForm form)
    {
        _form = form;
        Type = form switch
        {
            NormalizationForm.FormC => "NFC",
            NormalizationForm.FormD => "NFD",
            NormalizationForm.FormKC => "NFKC",
            NormalizationForm.FormKD => "NFKD",
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "Not a Unicode normalization form."),
        };
    }

    /// <summary>The type name (<c>NFC</c>, <c>NFD</c>, <c>NFKC</c> or <c>NFKD</c>).</summary>
    public string Type { get; }

    /// <inheritdoc />
    public override string Normalize(string text)
    {
        if (!HasLoneSurrogate(text)) return text.IsNormalized(_form) ? text : text.Normalize(_form);
        var result = new StringBuilder(text.Length);
        int runStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!IsLoneSurrogate(text, i))
            {
                if (char.IsHighSurrogate(text[i])) i++;
                continue;
            }
            result.Append(text[runStart..i].Normalize(_form)).Append(text[i]);
            runStart = i + 1;
        }
        return result.Append(text[runStart..].Normalize(_form)).ToString();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", Type);
        writer.WriteEndObject();
    }

    private static bool HasLoneSurrogate(string text)
    {
        int i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return false;
        for (; i < text.Length; i++)
        {
            if (IsLoneSurrogate(text, i)) return true;
            if (char.IsHighSurrogate(text[i])) i++;
        }
        return false;
    }

    private static bool IsLoneSurrogate(string text, int i)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        return char.IsLowSurrogate(c);
    }
}
