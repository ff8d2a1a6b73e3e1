namespace Reversal.Training.Serialization;

/// <summary>
/// A SafeTensors file does not follow the format: the message names the file, the tensor when the problem concerns
/// one, and the problem.
/// </summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception; the message is composed from the three parts.</summary>
    /// <param name="filePath">The offending file.</param>
    /// <param name="tensorName">The tensor (header entry) concerned, or null for a file-level problem.</param>
    /// <param name="problem">What is wrong, as a sentence fragment without the file and tensor.</param>
    public SafeTensorsFormatException(string filePath, string? tensorName, string problem)
        : base(Compose(filePath, tensorName, problem))
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>The header entry concerned, or null when the problem is not about one tensor.</summary>
    public string? TensorName { get; }

    /// <summary>The problem alone, without the file and tensor names.</summary>
    public string Problem { get; }

    private static string Compose(string filePath, string? tensorName, string problem) =>
        tensorName is null
            ? $"Invalid SafeTensors file '{filePath}': {problem}"
            : $"Invalid SafeTensors file '{filePath}', tensor '{tensorName}': {problem}";
}
