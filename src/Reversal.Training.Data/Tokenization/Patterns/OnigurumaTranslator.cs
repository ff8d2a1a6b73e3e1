using System.Globalization;
using System.Text;

namespace Reversal.Training.Data.Tokenization.Patterns;

/// <summary>
/// Translates the Oniguruma (Ruby syntax) regular expressions of Hugging Face <c>tokenizer.json</c> files into
/// equivalent .NET patterns.
/// </summary>
/// <remarks>
/// <para>Handled: literals, <c>.</c>, <c>^</c>/<c>$</c> as line anchors, alternation, groups (<c>(?:</c>,
/// lookarounds, atomic <c>(?&gt;</c>, named, inline <c>(?i:...)</c>, <c>(?i)</c>, comments), greedy, lazy and
/// possessive quantifiers (possessive <c>X*+</c> becomes the atomic group <c>(?&gt;X*)</c>; <c>X{n,m}+</c> is the
/// Ruby-syntax stacked quantifier <c>(?:X{n,m})+</c>), character classes with ranges and negation, the escapes
/// <c>\p{..}</c>/<c>\P{..}</c> (general categories), <c>\s \S \d \D \w \W \h \H</c>, control and code-point escapes,
/// and <c>\A \z \Z \b \B \G</c>.</para>
/// <para>Case-insensitive groups fold ASCII letters only (<c>(?i:'s)</c> becomes <c>'[sS]</c>), like the reference
/// JavaScript implementation; .NET's own case folding (which also equates <c>ſ</c> with <c>s</c>) is never used.
/// <c>\s</c> is .NET's <c>[\f\n\r\t\v\x85\p{Z}]</c>, which is exactly Unicode White_Space; <c>\d</c> is
/// <c>\p{Nd}</c>; <c>\w</c> is .NET's word class (Oniguruma's differs for a few Alphabetic non-letters).</para>
/// <para>Not supported (<see cref="NotSupportedException"/>): nested classes and POSIX brackets inside classes,
/// class intersection <c>&amp;&amp;</c>, script or binary properties (<c>\p{Han}</c>), literal characters outside
/// the Basic Multilingual Plane, and the escapes <c>\K \R \X \N \O \y \Y \g</c>. Text is matched per code point
/// by <see cref="CodePointRegex"/>, which is why astral literals cannot appear in a pattern.</para>
/// </remarks>
internal static class OnigurumaTranslator
{
    private static readonly Dictionary<string, string> s_longCategoryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Letter"] = "L", ["Uppercase_Letter"] = "Lu", ["Lowercase_Letter"] = "Ll",
        ["Titlecase_Letter"] = "Lt", ["Modifier_Letter"] = "Lm", ["Other_Letter"] = "Lo",
        ["Mark"] = "M", ["Combining_Mark"] = "M", ["Nonspacing_Mark"] = "Mn", ["Spacing_Mark"] = "Mc", ["Enclosing_Mark"] = "Me",
        ["Number"] = "N", ["Decimal_Number"] = "Nd", ["Letter_Number"] = "Nl", ["Other_Number"] = "No",
        ["Punctuation"] = "P", ["Connector_Punctuation"] = "Pc", ["Dash_Punctuation"] = "Pd", ["Open_Punctuation"] = "Ps",
        ["Close_Punctuation"] = "Pe", ["Initial_Punctuation"] = "Pi", ["Final_Punctuation"] = "Pf", ["Other_Punctuation"] = "Po",
        ["Symbol"] = "S", ["Math_Symbol"] = "Sm", ["Currency_Symbol"] = "Sc", ["Modifier_Symbol"] = "Sk", ["Other_Symbol"] = "So",
        ["Separator"] = "Z", ["Space_Separator"] = "Zs", ["Line_Separator"] = "Zl", ["Paragraph_Separator"] = "Zp",
        ["Other"] = "C", ["Control"] = "Cc", ["Format"] = "Cf", ["Surrogate"] = "Cs", ["Private_Use"] = "Co", ["Unassigned"] = "Cn",
    };

    private static readonly HashSet<string> s_shortCategoryNames = new(StringComparer.Ordinal)
    {
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So",
        "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    };

    /// <summary>The longest pattern translated: 4,096 characters (the patterns of real tokenizers tested here have at
    /// most about 350). Longer ones are refused before anything is compiled: a pattern of 100,000 characters takes
    /// about a second to compile.</summary>
    public const int MaxPatternLength = 4096;

    /// <summary>The deepest nesting of groups translated: 32.</summary>
    public const int MaxGroupDepth = 32;

    /// <summary>The .NET pattern equivalent to the Oniguruma <paramref name="pattern"/>.</summary>
    /// <exception cref="NotSupportedException">The pattern is longer than <see cref="MaxPatternLength"/>, nests groups
    /// deeper than <see cref="MaxGroupDepth"/>, uses a construct listed as unsupported, or is malformed.</exception>
    public static string Translate(string pattern)
    {
        if (pattern.Length > MaxPatternLength)
            throw new NotSupportedException($"regular expression of {pattern.Length:N0} characters is longer than the {MaxPatternLength:N0} accepted");
        return new Translation(pattern).Run();
    }

    private sealed class Translation(string pattern)
    {
        private readonly StringBuilder _out = new();
        private readonly Stack<(int OutStart, bool Fold)> _groups = new();
        private int _i;
        private int _atomStart = -1;
        private bool _fold;

        public string Run()
        {
            while (_i < pattern.Length)
            {
                char c = pattern[_i];
                switch (c)
                {
                    case '\\':
                        EmitAtom(Escape(inClass: false, out _));
                        break;
                    case '[':
                        EmitAtom(CharacterClass());
                        break;
                    case '(':
                        OpenGroup();
                        break;
                    case ')':
                        if (_groups.Count == 0) throw Unsupported($"unbalanced ')' at offset {_i}");
                        _out.Append(')');
                        _i++;
                        (_atomStart, _fold) = _groups.Pop();
                        break;
                    case '|':
                        _out.Append('|');
                        _i++;
                        _atomStart = -1;
                        break;
                    case '*' or '+' or '?':
                        _i++;
                        Quantifier(c.ToString(), braced: false);
                        break;
                    case '{':
                        if (TryBraceQuantifier(out string braced)) Quantifier(braced, braced: true);
                        else
                        {
                            EmitAtom(@"\{");
                            _i++;
                        }
                        break;
                    case '.':
                        EmitAtom(".");
                        _i++;
                        break;
                    case '^':
                        EmitAtom("(?m:^)");
                        _i++;
                        break;
                    case '$':
                        EmitAtom("(?m:$)");
                        _i++;
                        break;
                    default:
                        EmitAtom(Literal(c, inClass: false));
                        _i++;
                        break;
                }
            }
            if (_groups.Count > 0) throw Unsupported("unbalanced '('");
            return _out.ToString();
        }

        private void EmitAtom(string text)
        {
            _atomStart = _out.Length;
            _out.Append(text);
        }

        private void Quantifier(string quantifier, bool braced)
        {
            if (_atomStart < 0) throw Unsupported($"quantifier '{quantifier}' without anything to repeat at offset {_i - 1}");
            char next = _i < pattern.Length ? pattern[_i] : '\0';
            if (next == '?')
            {
                _out.Append(quantifier).Append('?');
                _i++;
            }
            else if (next == '+' && braced)
            {
                // Ruby syntax: X{n,m}+ is (X{n,m})+, not possessive.
                _out.Insert(_atomStart, "(?:").Append(quantifier).Append(")+");
                _i++;
            }
            else if (next == '+')
            {
                _out.Insert(_atomStart, "(?>").Append(quantifier).Append(')');
                _i++;
            }
            else
            {
                _out.Append(quantifier);
            }
        }

        private bool TryBraceQuantifier(out string quantifier)
        {
            quantifier = "";
            int j = _i + 1;
            int minStart = j;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j])) j++;
            string min = pattern[minStart..j];
            string? max = null;
            bool comma = false;
            if (j < pattern.Length && pattern[j] == ',')
            {
                comma = true;
                int maxStart = ++j;
                while (j < pattern.Length && char.IsAsciiDigit(pattern[j])) j++;
                max = pattern[maxStart..j];
            }
            if (j >= pattern.Length || pattern[j] != '}' || (min.Length == 0 && string.IsNullOrEmpty(max))) return false;
            quantifier = !comma ? $"{{{min}}}" : $"{{{(min.Length == 0 ? "0" : min)},{max}}}";
            _i = j + 1;
            return true;
        }

        private void OpenGroup()
        {
            int outStart = _out.Length;
            ReadOnlySpan<char> rest = pattern.AsSpan(_i);
            if (rest.StartsWith("(?#"))
            {
                int end = pattern.IndexOf(')', _i);
                if (end < 0) throw Unsupported("unterminated comment group");
                _i = end + 1;
                return;
            }
            if (rest.StartsWith("(?i)") || rest.StartsWith("(?-i)"))
            {
                _fold = rest[2] == 'i';
                _i += _fold ? 4 : 5;
                return;
            }

            string prefix;
            bool fold = _fold;
            if (rest.StartsWith("(?i:")) (prefix, fold, _i) = ("(?:", true, _i + 4);
            else if (rest.StartsWith("(?-i:")) (prefix, fold, _i) = ("(?:", false, _i + 5);
            else if (rest.StartsWith("(?:") || rest.StartsWith("(?=") || rest.StartsWith("(?!") || rest.StartsWith("(?>"))
                (prefix, _i) = (rest[..3].ToString(), _i + 3);
            else if (rest.StartsWith("(?<=") || rest.StartsWith("(?<!")) (prefix, _i) = (rest[..4].ToString(), _i + 4);
            else if (rest.StartsWith("(?<"))
            {
                int close = rest.IndexOf('>');
                if (close < 4 || !IsGroupName(rest[3..close])) throw Unsupported($"group construct at offset {_i}");
                (prefix, _i) = (rest[..(close + 1)].ToString(), _i + close + 1);
            }
            else if (rest.StartsWith("(?")) throw Unsupported($"group construct '{rest[..Math.Min(4, rest.Length)]}' at offset {_i}");
            else (prefix, _i) = ("(", _i + 1);

            if (_groups.Count >= MaxGroupDepth) throw Unsupported($"groups nested deeper than {MaxGroupDepth} at offset {_i}");
            _groups.Push((outStart, _fold));
            _fold = fold;
            _out.Append(prefix);
            _atomStart = -1;
        }

        private static bool IsGroupName(ReadOnlySpan<char> name)
        {
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
            foreach (char c in name)
                if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
            return true;
        }

        /// <summary>Translates the escape at <c>_i</c> (a backslash) and moves past it. <paramref name="codePoint"/> is
        /// the single character the escape stands for, or -1 when it is a set or an assertion.</summary>
        private string Escape(bool inClass, out int codePoint)
        {
            codePoint = -1;
            if (_i + 1 >= pattern.Length) throw Unsupported("trailing backslash");
            char e = pattern[_i + 1];
            _i += 2;
            switch (e)
            {
                case 'p' or 'P':
                    return Property(e == 'P');
                case 's': return @"\s";
                case 'S': return @"\S";
                case 'd': return @"\p{Nd}";
                case 'D': return @"\P{Nd}";
                case 'w': return @"\w";
                case 'W': return @"\W";
                case 'h': return inClass ? "0-9A-Fa-f" : "[0-9A-Fa-f]";
                case 'H':
                    if (inClass) throw Unsupported(@"\H inside a character class");
                    return "[^0-9A-Fa-f]";
                case 'n': codePoint = '\n'; break;
                case 'r': codePoint = '\r'; break;
                case 't': codePoint = '\t'; break;
                case 'f': codePoint = '\f'; break;
                case 'v': codePoint = '\v'; break;
                case 'a': codePoint = '\a'; break;
                case 'e': codePoint = '\u001B'; break;
                case 'x':
                    codePoint = _i < pattern.Length && pattern[_i] == '{' ? BracedHex() : Hex(maxDigits: 2, minDigits: 1);
                    break;
                case 'u':
                    codePoint = Hex(maxDigits: 4, minDigits: 4);
                    break;
                case '0':
                    codePoint = Octal();
                    break;
                case >= '1' and <= '9' when !inClass:
                    {
                        int start = _i - 1;
                        while (_i < pattern.Length && char.IsAsciiDigit(pattern[_i])) _i++;
                        return @"\" + pattern[start.._i];
                    }
                case 'A' or 'z' or 'Z' or 'b' or 'B' or 'G' when !inClass:
                    return @"\" + e;
                case 'k' when !inClass:
                    {
                        int close = pattern.IndexOf('>', _i);
                        if (_i >= pattern.Length || pattern[_i] != '<' || close < 0) throw Unsupported(@"malformed \k back-reference");
                        string name = pattern[_i..(close + 1)];
                        _i = close + 1;
                        return @"\k" + name;
                    }
                default:
                    if (char.IsAsciiLetterOrDigit(e)) throw Unsupported($@"escape \{e}{(inClass ? " inside a character class" : "")}");
                    codePoint = e;
                    break;
            }
            return Literal(codePoint, inClass);
        }

        private string Property(bool negated)
        {
            if (_i >= pattern.Length || pattern[_i] != '{') throw Unsupported(@"\p or \P without {name}");
            int close = pattern.IndexOf('}', _i);
            if (close < 0) throw Unsupported(@"unterminated \p{...}");
            string name = pattern[(_i + 1)..close];
            _i = close + 1;
            if (name.StartsWith('^'))
            {
                negated = !negated;
                name = name[1..];
            }
            string? category = null;
            if (s_shortCategoryNames.Contains(name)) category = name;
            else if (s_longCategoryNames.TryGetValue(name, out string? mapped)) category = mapped;
            else if (name.Length is 1 or 2)
            {
                string canonical = name.Length == 1 ? name.ToUpperInvariant() : char.ToUpperInvariant(name[0]) + name[1..].ToLowerInvariant();
                if (s_shortCategoryNames.Contains(canonical)) category = canonical;
            }
            if (category is null) throw Unsupported($@"Unicode property \p{{{name}}} (only general categories are supported)");
            return (negated ? @"\P{" : @"\p{") + category + "}";
        }

        private int BracedHex()
        {
            int close = pattern.IndexOf('}', _i);
            if (close < 0) throw Unsupported(@"unterminated \x{...}");
            string digits = pattern[(_i + 1)..close];
            _i = close + 1;
            if (!int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value) || value > 0x10FFFF)
                throw Unsupported($@"invalid code point \x{{{digits}}}");
            return value;
        }

        private int Hex(int maxDigits, int minDigits)
        {
            int start = _i;
            while (_i < pattern.Length && _i - start < maxDigits && char.IsAsciiHexDigit(pattern[_i])) _i++;
            if (_i - start < minDigits) throw Unsupported($"malformed hexadecimal escape at offset {start - 2}");
            return int.Parse(pattern.AsSpan(start, _i - start), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }

        private int Octal()
        {
            int value = 0;
            for (int digits = 0; digits < 2 && _i < pattern.Length && pattern[_i] is >= '0' and <= '7'; digits++)
                value = value * 8 + (pattern[_i++] - '0');
            return value;
        }

        private string Literal(int codePoint, bool inClass)
        {
            if (codePoint > 0xFFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
                throw Unsupported($"the literal character U+{codePoint:X4} (outside the Basic Multilingual Plane)");
            char c = (char)codePoint;
            if (!inClass && _fold && char.IsAsciiLetter(c)) return $"[{char.ToLowerInvariant(c)}{char.ToUpperInvariant(c)}]";
            if (char.IsAsciiLetterOrDigit(c) || c == '_') return c.ToString();
            return $@"\u{codePoint:X4}";
        }

        private string CharacterClass()
        {
            int start = _i;
            _i++;
            var sb = new StringBuilder("[");
            if (_i < pattern.Length && pattern[_i] == '^')
            {
                sb.Append('^');
                _i++;
            }
            bool first = true;
            while (true)
            {
                if (_i >= pattern.Length) throw Unsupported($"unterminated character class at offset {start}");
                char c = pattern[_i];
                if (c == ']' && !first)
                {
                    _i++;
                    break;
                }
                first = false;
                if (c == '[') throw Unsupported($"nested character class or POSIX bracket inside a class at offset {_i}");
                if (c == '&' && _i + 1 < pattern.Length && pattern[_i + 1] == '&')
                    throw Unsupported($"character class intersection '&&' at offset {_i}");

                string text = ClassAtom(out int low);
                if (low >= 0 && _i + 1 < pattern.Length && pattern[_i] == '-' && pattern[_i + 1] != ']')
                {
                    _i++;
                    ClassAtom(out int high);
                    if (high < 0) throw Unsupported($"character range with a set as its end at offset {_i}");
                    if (high < low) throw Unsupported($"character range out of order at offset {_i}");
                    sb.Append(Literal(low, inClass: true)).Append('-').Append(Literal(high, inClass: true));
                    if (_fold) AppendFoldedRange(sb, low, high);
                }
                else
                {
                    sb.Append(text);
                    if (low >= 0 && _fold && low < 128 && char.IsAsciiLetter((char)low))
                        sb.Append(char.IsAsciiLetterLower((char)low) ? char.ToUpperInvariant((char)low) : char.ToLowerInvariant((char)low));
                }
            }
            return sb.Append(']').ToString();
        }

        private string ClassAtom(out int codePoint)
        {
            char c = pattern[_i];
            if (c == '\\') return Escape(inClass: true, out codePoint);
            codePoint = c;
            _i++;
            return Literal(c, inClass: true);
        }

        private static void AppendFoldedRange(StringBuilder sb, int low, int high)
        {
            int lowerStart = Math.Max(low, 'a'), lowerEnd = Math.Min(high, 'z');
            if (lowerStart <= lowerEnd) sb.Append((char)(lowerStart - 32)).Append('-').Append((char)(lowerEnd - 32));
            int upperStart = Math.Max(low, 'A'), upperEnd = Math.Min(high, 'Z');
            if (upperStart <= upperEnd) sb.Append((char)(upperStart + 32)).Append('-').Append((char)(upperEnd + 32));
        }

        private NotSupportedException Unsupported(string what)
            => new($"regular expression /{pattern}/ uses an unsupported or malformed construct: {what}");
    }
}
