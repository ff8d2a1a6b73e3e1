using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Reversal.Training.Data.Tokenization.Patterns;

/// <summary>
/// An Oniguruma pattern from a <c>tokenizer.json</c>, compiled for .NET and matched per Unicode code point, as
/// Oniguruma (and JavaScript in <c>u</c> mode) do.
/// </summary>
/// <remarks>
/// .NET regular expressions see UTF-16 code units, so <c>\p{L}</c> would never match a letter outside the Basic
/// Multilingual Plane and <c>[^\p{L}]</c> would match half of an emoji. Text holding surrogate pairs is therefore
/// matched through a shadow string where every pair is replaced by one BMP character of the same Unicode general
/// category (and, like every astral character, not white space); match offsets are mapped back to the original
/// text. This is exact for patterns whose classes are defined by general categories, white space and BMP literals,
/// which <see cref="OnigurumaTranslator"/> guarantees.
/// </remarks>
internal sealed class CodePointRegex
{
    /// <summary>How long one match may take before <see cref="RegexMatchTimeoutException"/> ends it: 1 second. A
    /// pattern from a file can backtrack catastrophically (<c>(a+)+$</c> on 30 letters and a <c>!</c> took 224 s
    /// here without a timeout); the patterns of real tokenizers match in microseconds.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Compiled expressions by translated pattern, so loading the same tokenizer again (or several tokenizers
    /// of one family) compiles its pattern once; emptied when it reaches <see cref="CacheCapacity"/> entries.</summary>
    private static readonly ConcurrentDictionary<string, Regex> s_compiled = new(StringComparer.Ordinal);

    private const int CacheCapacity = 64;

    private static readonly char[] s_representatives = BuildRepresentatives();
    private readonly Regex _regex;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="NotSupportedException">The pattern uses a construct .NET or the translator cannot express.</exception>
    public CodePointRegex(string pattern)
    {
        Pattern = pattern;
        string translated = OnigurumaTranslator.Translate(pattern);
        try
        {
            if (!s_compiled.TryGetValue(translated, out Regex? regex))
            {
                regex = new Regex(translated, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
                if (s_compiled.Count >= CacheCapacity) s_compiled.Clear();
                s_compiled.TryAdd(translated, regex);
            }
            _regex = regex;
        }
        catch (ArgumentException ex)
        {
            throw new NotSupportedException($"regular expression /{pattern}/ (translated to /{translated}/) is invalid: {ex.Message}", ex);
        }
    }

    /// <summary>The Oniguruma pattern as written in the file.</summary>
    public string Pattern { get; }

    /// <summary>The translated .NET pattern.</summary>
    public string DotNetPattern => _regex.ToString();

    /// <summary>Appends the (start, length) of every non-empty, non-overlapping match in <paramref name="text"/>, left to right.</summary>
    /// <exception cref="RegexMatchTimeoutException">One match took longer than <see cref="MatchTimeout"/>.</exception>
    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int Length)> matches)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            foreach (ValueMatch match in _regex.EnumerateMatches(text))
                if (match.Length > 0) matches.Add((match.Index, match.Length));
            return;
        }

        char[] shadow = ArrayPool<char>.Shared.Rent(text.Length);
        int[] offsets = ArrayPool<int>.Shared.Rent(text.Length + 1);
        try
        {
            int count = 0;
            for (int i = 0; i < text.Length; count++)
            {
                offsets[count] = i;
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    int codePoint = char.ConvertToUtf32(c, text[i + 1]);
                    shadow[count] = s_representatives[(int)CharUnicodeInfo.GetUnicodeCategory(codePoint)];
                    i += 2;
                }
                else
                {
                    shadow[count] = c;
                    i++;
                }
            }
            offsets[count] = text.Length;
            foreach (ValueMatch match in _regex.EnumerateMatches(shadow.AsSpan(0, count)))
            {
                if (match.Length == 0) continue;
                int start = offsets[match.Index];
                matches.Add((start, offsets[match.Index + match.Length] - start));
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(shadow);
            ArrayPool<int>.Shared.Return(offsets);
        }
    }

    /// <summary>The representative of general category <paramref name="category"/> (internal for tests).</summary>
    internal static char RepresentativeOf(UnicodeCategory category) => s_representatives[(int)category];

    /// <summary>
    /// For every general category, a BMP character of that category that is not white space, preferably from
    /// U+A000 upwards (scripts that patterns rarely name in literal ranges), else from U+0100 upwards.
    /// </summary>
    private static char[] BuildRepresentatives()
    {
        var result = new char[(int)UnicodeCategory.OtherNotAssigned + 1];
        for (int category = 0; category < result.Length; category++)
        {
            char found = '\uFFFD';
            foreach ((int from, int to) in new[] { (0xA000, 0xFFFF), (0x0100, 0x9FFF) })
            {
                for (int c = from; c <= to && found == '\uFFFD'; c++)
                {
                    if (c is >= 0xD800 and <= 0xDFFF || c == 0xFFFD) continue;
                    if ((int)CharUnicodeInfo.GetUnicodeCategory((char)c) == category && !char.IsWhiteSpace((char)c)) found = (char)c;
                }
                if (found != '\uFFFD') break;
            }
            result[category] = found;
        }
        return result;
    }
}
