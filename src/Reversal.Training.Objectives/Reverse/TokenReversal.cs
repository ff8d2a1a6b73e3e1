using Reversal.Training.Randomness;

namespace Reversal.Training.Objectives;

/// <summary>
/// Token reversal: every token is a unit, so the content between BOS and EOS is reversed token by token
/// (<see cref="TokenSequence.Reversed"/>). With a word-level tokenizer this equals <see cref="WordReversal"/>; with
/// BPE it also reverses the pieces inside each word.
/// </summary>
/// <remarks>An involution: reversing twice gives the original ids and entity spans (spans move with their tokens).
/// Draws no randomness.</remarks>
public sealed class TokenReversal : ISequenceReversal
{
    /// <summary>The shared instance (the transform has no settings).</summary>
    public static TokenReversal Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "token";

    /// <inheritdoc />
    public TokenSequence Reverse(TokenSequence sequence, SpecialTokenIds specialTokens, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return sequence.Reversed(specialTokens);
    }
}
