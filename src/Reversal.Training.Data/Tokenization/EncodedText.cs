namespace Reversal.Training.Data.Tokenization;

/// <summary>What <see cref="ITokenizer.EncodeWithOffsets"/> returns: the tokens of a text, in order, and the text
/// their offsets refer to.</summary>
/// <param name="Tokens">The tokens with their character ranges; their ids are those of <see cref="ITokenizer.Encode"/>.</param>
/// <param name="Text">The text the ranges refer to: the input itself, or the normalized text when normalization
/// changed it (the form Microsoft.ML.Tokenizers reports as <c>normalizedText</c>).</param>
public sealed record EncodedText(IReadOnlyList<OffsetToken> Tokens, string Text);
