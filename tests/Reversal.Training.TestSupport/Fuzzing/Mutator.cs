namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>One way of damaging an input: a name for reports and a function from (input, random, all seeds) to a new input.</summary>
/// <param name="Name">Short name shown in reports and artifact files.</param>
/// <param name="Apply">Returns a new array; must not change its argument.</param>
public sealed record Mutator(string Name, Func<byte[], Random, IReadOnlyList<byte[]>, byte[]> Apply)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
