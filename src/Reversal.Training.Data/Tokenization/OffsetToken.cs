namespace Reversal.Training.Data.Tokenization;

/// <summary>One token of an encoded text and the characters <c>[Start, Start + Length)</c> of
/// <see cref="EncodedText.Text"/> it stands for.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Start">The first character the token stands for.</param>
/// <param name="Length">How many characters it stands for: 0 for a token with nothing behind it in the text (e.g. a
/// space a byte-level pre-tokenizer adds in front); tokens that split one character (byte-level tokens, byte-fallback
/// bytes) each stand for the whole character, so their ranges overlap.</param>
public readonly record struct OffsetToken(int Id, int Start, int Length)
{
    /// <summary>One past the last character the token stands for.</summary>
    public int End => Start + Length;
}
