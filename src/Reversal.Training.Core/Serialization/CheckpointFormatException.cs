namespace Reversal.Training.Serialization;

/// <summary>
/// A checkpoint file other than the tensor data itself (<c>config.json</c>, <c>model.safetensors.index.json</c>, or
/// the folder's layout) is missing something, has a wrong type or value, or asks for an unsupported feature. The
/// message names the file, the field (or tensor) and the problem.
/// </summary>
public sealed class CheckpointFormatException : FormatException
{
    /// <summary>Creates the exception; the message is composed from the three parts.</summary>
    /// <param name="filePath">The offending file (or folder).</param>
    /// <param name="field">The JSON field, index entry or tensor name concerned, or null.</param>
    /// <param name="problem">What is wrong, without the file and field.</param>
    public CheckpointFormatException(string filePath, string? field, string problem)
        : base(field is null
            ? $"Invalid checkpoint file '{filePath}': {problem}"
            : $"Invalid checkpoint file '{filePath}', field '{field}': {problem}")
    {
        FilePath = filePath;
        Field = field;
        Problem = problem;
    }

    /// <summary>Creates the exception for a file-level problem (no field).</summary>
    /// <param name="filePath">The offending file (or folder).</param>
    /// <param name="problem">What is wrong, without the file name.</param>
    public CheckpointFormatException(string filePath, string problem)
        : this(filePath, null, problem)
    {
    }

    /// <summary>The offending file (or folder).</summary>
    public string FilePath { get; }

    /// <summary>The JSON field, index entry or tensor name concerned, or null for a file-level problem.</summary>
    public string? Field { get; }

    /// <summary>The problem alone, without the file and field.</summary>
    public string Problem { get; }
}
