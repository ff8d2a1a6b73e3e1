namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>An input that broke the contract: an untyped exception, a hang, or more memory than the bound.</summary>
/// <param name="Index">The input's number in the run (with the run's seed, enough to reproduce it).</param>
/// <param name="Kind">"untyped", "hang" or "memory".</param>
/// <param name="Mutation">How the input was made.</param>
/// <param name="Detail">The exception, the time, or the bytes allocated against the bound.</param>
/// <param name="SavedAs">The file the input was saved to, if any.</param>
public sealed record FuzzFailure(int Index, string Kind, string Mutation, string Detail, string? SavedAs)
{
    /// <inheritdoc />
    public override string ToString() => $"#{Index} {Kind} ({Mutation}): {Detail}" + (SavedAs is null ? "" : $" [saved: {SavedAs}]");
}
