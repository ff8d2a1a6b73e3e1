namespace Reversal.Training.Objectives;

/// <summary>
/// A training objective: turns examples into an <see cref="ObjectiveBatch"/> (ids, positions, targets, attention
/// policy, key mask). The model and trainer never know which objective made a batch, so a host's own loop is
/// Prepare → Forward → loss → Backward → Step.
/// </summary>
/// <remarks>Thread safety: the library's objectives keep no mutable state (their randomness comes from
/// <see cref="ObjectiveContext.Random"/>), so one instance may prepare batches for several trainers at once, each with
/// its own context.</remarks>
public interface ITrainingObjective
{
    /// <summary>Short name for logs and reports (e.g. <c>ntp</c>, <c>bico</c>).</summary>
    string Name { get; }

    /// <summary>Builds one batch from <paramref name="examples"/> (at least one).</summary>
    /// <exception cref="ArgumentException">The examples are empty, too short to train on, or longer than the context.</exception>
    ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context);
}
