using System.Text.Json;
using Reversal.Training.Data.Tokenization.Json;

namespace Reversal.Training.Data.Tokenization.Patterns;

/// <summary>
/// The <c>"pattern"</c> of a Split pre-tokenizer or a Replace normalizer/decoder: either <c>{"String": "..."}</c>
/// (a literal, matched ordinally) or <c>{"Regex": "..."}</c> (an Oniguruma regular expression).
/// </summary>
internal sealed class TextPattern
{
    private TextPattern(string? literal, CodePointRegex? regex)
    {
        Literal = literal;
        Regex = regex;
    }

    /// <summary>The literal, for a <c>String</c> pattern.</summary>
    public string? Literal { get; }

    /// <summary>The compiled expression, for a <c>Regex</c> pattern.</summary>
    public CodePointRegex? Regex { get; }

    /// <summary>A literal pattern.</summary>
    public static TextPattern FromLiteral(string literal) => new(literal, null);

    /// <summary>A regular-expression pattern.</summary>
    /// <exception cref="NotSupportedException">The expression cannot be translated.</exception>
    public static TextPattern FromRegex(string pattern) => new(null, new CodePointRegex(pattern));

    /// <summary>Reads the required pattern object <paramref name="field"/> of <paramref name="component"/>:
    /// <c>{"String": ...}</c> or <c>{"Regex": ...}</c>.</summary>
    /// <exception cref="TokenizerFormatException">The field is missing or malformed, the literal is empty, or the
    /// expression cannot be translated (see <see cref="OnigurumaTranslator"/>).</exception>
    public static TextPattern Read(JsonElement component, JsonScope scope, string field)
    {
        JsonElement element = scope.Required(component, field);
        scope = scope.Child(field);
        scope.RequireObject(element);
        if (element.TryGetProperty("String", out _))
        {
            string literal = scope.RequiredString(element, "String");
            if (literal.Length == 0) throw scope.Child("String").Error("must not be empty");
            return FromLiteral(literal);
        }
        if (element.TryGetProperty("Regex", out _))
        {
            string pattern = scope.RequiredString(element, "Regex");
            try
            {
                return FromRegex(pattern);
            }
            catch (NotSupportedException ex)
            {
                throw scope.Child("Regex").Error(ex.Message, ex);
            }
        }
        throw scope.Error("must hold either \"String\" or \"Regex\"");
    }

    /// <summary>Appends the (start, length) of every non-empty, non-overlapping match, left to right.</summary>
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int Length)> matches)
    {
        if (Regex is not null)
        {
            Regex.FindMatches(text, matches);
            return;
        }
        string literal = Literal!;
        int position = 0;
        while (position <= text.Length - literal.Length)
        {
            int found = text[position..].IndexOf(literal, StringComparison.Ordinal);
            if (found < 0) break;
            matches.Add((position + found, literal.Length));
            position += found + literal.Length;
        }
    }

    /// <summary>Replaces every match in <paramref name="text"/> by <paramref name="content"/> (taken literally).</summary>
    public string Replace(string text, string content)
    {
        if (Literal is not null) return text.Replace(Literal, content, StringComparison.Ordinal);
        var matches = new List<(int Start, int Length)>();
        Regex!.FindMatches(text, matches);
        if (matches.Count == 0) return text;
        var result = new System.Text.StringBuilder(text.Length);
        int position = 0;
        foreach ((int start, int length) in matches)
        {
            result.Append(text, position, start - position).Append(content);
            position = start + length;
        }
        return result.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>Writes the property <paramref name="name"/> with the pattern object.</summary>
    public void Write(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject(name);
        if (Literal is not null) writer.WriteString("String", Literal);
        else writer.WriteString("Regex", Regex!.Pattern);
        writer.WriteEndObject();
    }
}
