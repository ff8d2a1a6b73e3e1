using System.Text;

namespace Reversal.Training.Data.Tokenization.Decoders;

/// <summary>
/// Joins word-level tokens back into readable text: single spaces between tokens, except no space before closing
/// punctuation (<c>. , ! ? ; : ) ] } %</c>), none on either side of an apostrophe (<c>'</c> or <c>’</c>), none
/// after opening punctuation (<c>( [ { $</c>), and straight double quotes alternating open (no space after) and
/// close (no space before).
/// </summary>
internal sealed class WordDetokenizer
{
    private readonly StringBuilder _text = new();
    private bool _noSpaceNext = true;
    private bool _quoteOpen;

    /// <summary>Appends one token with the spacing rules above.</summary>
    public void Append(string token)
    {
        bool noSpaceBefore = false;
        bool noSpaceAfter = false;
        if (token.Length == 1)
        {
            char c = token[0];
            if (c == '"')
            {
                noSpaceBefore = _quoteOpen;
                noSpaceAfter = !_quoteOpen;
                _quoteOpen = !_quoteOpen;
            }
            else if (c is '\'' or '\u2019')
            {
                noSpaceBefore = true;
                noSpaceAfter = true;
            }
            else if (c is '.' or ',' or '!' or '?' or ';' or ':' or ')' or ']' or '}' or '%')
            {
                noSpaceBefore = true;
            }
            else if (c is '(' or '[' or '{' or '$')
            {
                noSpaceAfter = true;
            }
        }

        if (!_noSpaceNext && !noSpaceBefore) _text.Append(' ');
        _text.Append(token);
        _noSpaceNext = noSpaceAfter;
    }

    /// <summary>The text joined so far.</summary>
    public override string ToString() => _text.ToString();
}
