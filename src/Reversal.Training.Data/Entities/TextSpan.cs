namespace Reversal.Training.Data.Entities;

/// <summary>A run of characters <c>[Start, Start + Length)</c> in a string, such as one occurrence of an entity.</summary>
public readonly record struct TextSpan
{
    /// <summary>Creates a span.</summary>
    /// <param name="start">Index of the first character (≥ 0).</param>
    /// <param name="length">Number of characters (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or <paramref name="length"/> is below 1.</exception>
    public TextSpan(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Start = start;
        Length = length;
    }

    /// <summary>Index of the first character.</summary>
    public int Start { get; }

    /// <summary>Number of characters (at least 1).</summary>
    public int Length { get; }

    /// <summary>Exclusive end index, <c>Start + Length</c>.</summary>
    public int End => Start + Length;

    /// <inheritdoc />
    public override string ToString() => $"[{Start}, {End})";
}
