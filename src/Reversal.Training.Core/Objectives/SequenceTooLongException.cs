namespace Reversal.Training.Objectives;

/// <summary>Thrown when an example does not fit the model's context.</summary>
public sealed class SequenceTooLongException : ArgumentException
{
    /// <summary>Creates the exception for example <paramref name="exampleIndex"/>.</summary>
    public SequenceTooLongException(int exampleIndex, int length, int maxLength)
        : base($"Example {exampleIndex} needs {length} positions but the model's context is {maxLength} tokens.")
    {
        ExampleIndex = exampleIndex; Length = length; MaxLength = maxLength;
    }

    /// <summary>Index of the offending example in the batch.</summary>
    public int ExampleIndex { get; }

    /// <summary>Positions it needs.</summary>
    public int Length { get; }

    /// <summary>The context length.</summary>
    public int MaxLength { get; }
}
