namespace Reversal.Training.Models;

/// <summary>Thrown when a state dict does not fit a model: missing, unexpected or mis-shaped tensors.</summary>
public sealed class StateDictMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception with the full message and one entry per problem.</summary>
    public StateDictMismatchException(string message, IReadOnlyList<string> problems) : base(message) => Problems = problems;

    /// <summary>One human-readable line per offending tensor.</summary>
    public IReadOnlyList<string> Problems { get; }
}
