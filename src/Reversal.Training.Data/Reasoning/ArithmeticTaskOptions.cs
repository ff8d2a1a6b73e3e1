namespace Reversal.Training.Data.Reasoning;

/// <summary>The knobs of the built-in arithmetic task (<see cref="ArithmeticTaskGenerator"/>).</summary>
public sealed record ArithmeticTaskOptions
{
    /// <summary>Seed of the generator: the same options give the same problems (default 1).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Problems in the training split (default 1,000).</summary>
    public int TrainCount { get; init; } = 1000;

    /// <summary>Problems in the held-out test split (default 200); no test problem shares its calculation
    /// (<see cref="ArithmeticProblem.Signature"/>) with a training problem.</summary>
    public int TestCount { get; init; } = 200;

    /// <summary>Fewest operations per problem (default 2).</summary>
    public int MinSteps { get; init; } = 2;

    /// <summary>Most operations per problem (default 4).</summary>
    public int MaxSteps { get; init; } = 4;

    /// <summary>Smallest start value (default 2).</summary>
    public int MinStart { get; init; } = 2;

    /// <summary>Largest start value (default 30).</summary>
    public int MaxStart { get; init; } = 30;

    /// <summary>Smallest number added or subtracted (default 1).</summary>
    public int MinOperand { get; init; } = 1;

    /// <summary>Largest number added or subtracted (default 20).</summary>
    public int MaxOperand { get; init; } = 20;

    /// <summary>Smallest multiplier or divisor (default 2).</summary>
    public int MinFactor { get; init; } = 2;

    /// <summary>Largest multiplier or divisor (default 5).</summary>
    public int MaxFactor { get; init; } = 5;

    /// <summary>Largest value any step may produce (default 100); every value is at least 1.</summary>
    public int MaxValue { get; init; } = 100;

    /// <summary>The operations problems may use (default all four).</summary>
    public IReadOnlyList<ArithmeticOperation> Operations { get; init; } =
        [ArithmeticOperation.Add, ArithmeticOperation.Subtract, ArithmeticOperation.Multiply, ArithmeticOperation.Divide];

    /// <summary>Checks every knob.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or range is out of bounds; the message names the knob.</exception>
    /// <exception cref="ArgumentException">No operations, an unknown or repeated one.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(TrainCount, nameof(TrainCount));
        ArgumentOutOfRangeException.ThrowIfNegative(TestCount, nameof(TestCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSteps, 1, nameof(MinSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSteps, MinSteps, nameof(MaxSteps));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSteps, 32, nameof(MaxSteps));
        ArgumentOutOfRangeException.ThrowIfNegative(MinStart, nameof(MinStart));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStart, MinStart, nameof(MaxStart));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinOperand, 1, nameof(MinOperand));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOperand, MinOperand, nameof(MaxOperand));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinFactor, 2, nameof(MinFactor));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFactor, MinFactor, nameof(MaxFactor));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValue, MaxStart, nameof(MaxValue));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxValue, 1_000_000, nameof(MaxValue));
        if (Operations is null || Operations.Count == 0) throw new ArgumentException("At least one operation is needed.", nameof(Operations));
        if (Operations.Any(o => !Enum.IsDefined(o))) throw new ArgumentException("Operations holds an unknown operation.", nameof(Operations));
        if (Operations.Distinct().Count() != Operations.Count) throw new ArgumentException("Operations holds an operation twice.", nameof(Operations));
    }
}
