using Reversal.Training.Randomness;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// Generates the built-in verifiable reasoning task: multi-step arithmetic word problems with GSM8K-style rationales
/// (<see cref="ArithmeticProblem"/>), deterministic by <see cref="ArithmeticTaskOptions.Seed"/>.
/// </summary>
/// <remarks>
/// A problem draws a character, an item, a step count in [MinSteps, MaxSteps] and a start value; each step then picks
/// uniformly among the allowed operations that can continue from the current value (the result stays within
/// [1, MaxValue], divisions are exact), and a uniform operand among those that fit. Problems are distinct by
/// calculation (<see cref="ArithmeticProblem.Signature"/>); the test split is drawn first and the training split never
/// repeats a test calculation.
/// </remarks>
public sealed class ArithmeticTaskGenerator
{
    private const int MaxAttemptsPerProblem = 1000;

    /// <summary>Creates a generator.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A knob is out of range (see <see cref="ArithmeticTaskOptions.Validate"/>).</exception>
    /// <exception cref="ArgumentException">The operations are empty, unknown or repeated.</exception>
    public ArithmeticTaskGenerator(ArithmeticTaskOptions? options = null)
    {
        Options = options ?? new ArithmeticTaskOptions();
        Options.Validate();
    }

    /// <summary>The options.</summary>
    public ArithmeticTaskOptions Options { get; }

    /// <summary>Generates the test split, then the training split.</summary>
    /// <exception cref="InvalidOperationException">The knobs allow fewer distinct calculations than requested.</exception>
    public ArithmeticTask Generate()
    {
        var random = new SeededRandom(Options.Seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var test = Draw(random, Options.TestCount, seen, "test");
        var train = Draw(random, Options.TrainCount, seen, "training");
        return new ArithmeticTask(Options, train, test);
    }

    /// <summary>One new problem whose signature is not in <paramref name="exclude"/>, or null after many failed draws.</summary>
    internal ArithmeticProblem? TryDrawProblem(SeededRandom random, IReadOnlySet<string> exclude)
    {
        for (int attempt = 0; attempt < MaxAttemptsPerProblem; attempt++)
        {
            int steps = Options.MinSteps + random.NextInt(Options.MaxSteps - Options.MinSteps + 1);
            int start = Options.MinStart + random.NextInt(Options.MaxStart - Options.MinStart + 1);
            var character = random.Pick(ArithmeticCharacter.All);
            string item = random.Pick(ArithmeticText.Items);
            var chain = new List<ArithmeticStep>(steps);
            int value = start;
            while (chain.Count < steps && TryNextStep(random, value, Options.Operations) is { } step)
            {
                chain.Add(step);
                value = step.After;
            }
            if (chain.Count < steps) continue;
            var problem = new ArithmeticProblem(character, item, start, chain);
            if (!exclude.Contains(problem.Signature)) return problem;
        }
        return null;
    }

    /// <summary>A uniformly chosen feasible step from <paramref name="value"/> among <paramref name="operations"/>, or null.</summary>
    internal ArithmeticStep? TryNextStep(SeededRandom random, int value, IReadOnlyList<ArithmeticOperation> operations)
    {
        var feasible = new List<(ArithmeticOperation Operation, int[] Operands)>(operations.Count);
        foreach (ArithmeticOperation operation in operations)
        {
            int[] operands = Operands(operation, value);
            if (operands.Length > 0) feasible.Add((operation, operands));
        }
        if (feasible.Count == 0) return null;
        var (chosen, candidates) = feasible[random.NextInt(feasible.Count)];
        int operand = candidates[random.NextInt(candidates.Length)];
        return new ArithmeticStep(chosen, operand, value, ArithmeticStep.Apply(chosen, value, operand)!.Value);
    }

    /// <summary>The operands that keep <c>value op operand</c> within [1, MaxValue] and exact.</summary>
    internal int[] Operands(ArithmeticOperation operation, int value)
    {
        bool additive = operation is ArithmeticOperation.Add or ArithmeticOperation.Subtract;
        int low = additive ? Options.MinOperand : Options.MinFactor, high = additive ? Options.MaxOperand : Options.MaxFactor;
        var result = new List<int>(high - low + 1);
        for (int operand = low; operand <= high; operand++)
        {
            int? after = ArithmeticStep.Apply(operation, value, operand);
            if (after is int v && v >= 1 && v <= Options.MaxValue) result.Add(operand);
        }
        return [.. result];
    }

    private List<ArithmeticProblem> Draw(SeededRandom random, int count, HashSet<string> seen, string split)
    {
        var problems = new List<ArithmeticProblem>(count);
        while (problems.Count < count)
        {
            var problem = TryDrawProblem(random, seen)
                ?? throw new InvalidOperationException(
                    $"Could not draw {count} distinct {split} problems (got {problems.Count}): widen the number ranges or the step counts.");
            seen.Add(problem.Signature);
            problems.Add(problem);
        }
        return problems;
    }
}
