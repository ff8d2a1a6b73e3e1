namespace Reversal.Training.Data.Tokenization.AddedTokens;

/// <summary>One part of a text cut at added tokens: plain text, or a match of <see cref="Token"/>.</summary>
/// <param name="Start">Start of the part in the text.</param>
/// <param name="Length">Length of the part (for a token: with the white space its lstrip/rstrip swallowed).</param>
/// <param name="Token">The added token matched, or null for plain text.</param>
internal readonly record struct AddedTokenSegment(int Start, int Length, AddedToken? Token);
