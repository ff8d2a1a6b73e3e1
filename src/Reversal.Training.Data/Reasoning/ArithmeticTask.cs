namespace Reversal.Training.Data.Reasoning;

/// <summary>The built-in arithmetic task: a training split and a held-out test split that shares no calculation with it.</summary>
/// <param name="Options">The options it was generated with.</param>
/// <param name="Train">The training problems.</param>
/// <param name="Test">The held-out test problems (never trained on).</param>
public sealed record ArithmeticTask(ArithmeticTaskOptions Options, IReadOnlyList<ArithmeticProblem> Train, IReadOnlyList<ArithmeticProblem> Test)
{
    /// <summary>The signatures of the test problems: evolution and augmentation must not produce any of them.</summary>
    public IReadOnlySet<string> TestSignatures { get; } = Test.Select(p => p.Signature).ToHashSet(StringComparer.Ordinal);
}
