namespace Reversal.Training.Objectives;

/// <summary>
/// A contiguous run of token indices <c>[Start, Start + Length)</c> inside a <see cref="TokenSequence"/>, such as the
/// tokens of one named entity.
/// </summary>
public readonly record struct TokenSpan
{
    /// <summary>Creates a span.</summary>
    /// <param name="start">Index of the first token (≥ 0).</param>
    /// <param name="length">Number of tokens (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or <paramref name="length"/> is below 1.</exception>
    public TokenSpan(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Start = start;
        Length = length;
    }

    /// <summary>Index of the first token.</summary>
    public int Start { get; }

    /// <summary>Number of tokens (at least 1).</summary>
    public int Length { get; }

    /// <summary>Exclusive end index, <c>Start + Length</c>.</summary>
    public int End => Start + Length;

    /// <inheritdoc />
    public override string ToString() => $"[{Start}, {End})";
}
