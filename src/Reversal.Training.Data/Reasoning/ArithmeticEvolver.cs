using Reversal.Training.Data.Lema;
using Reversal.Training.Randomness;

namespace Reversal.Training.Data.Reasoning;

/// <summary>
/// Programmatic question evolution for the built-in task: writes a new <see cref="ArithmeticProblem"/> near a seed
/// problem (same character and item), deterministic by (seed problem, seed).
/// </summary>
/// <remarks>
/// Each call picks one of three rewrites with equal chance, as Evol-Instruct-style evolution does in words:
/// <b>new numbers</b> (the same chain of operations with a new start value and operands), <b>one more step</b> (the
/// seed's chain plus one operation; at <see cref="ArithmeticTaskOptions.MaxSteps"/> this becomes the third rewrite),
/// and <b>another operation</b> (one step replaced by a different operation, later operands kept where they still
/// fit). Results respect the task's ranges and never have the seed's calculation or an excluded one (the test
/// split's), so evolved questions cannot leak the test set.
/// </remarks>
public sealed class ArithmeticEvolver : IQuestionEvolver
{
    private const int MaxAttempts = 100;
    private readonly ArithmeticTaskGenerator _generator;
    private readonly IReadOnlySet<string> _excluded;

    /// <summary>Creates an evolver for problems of a task with <paramref name="options"/>.</summary>
    /// <param name="options">The task's knobs (ranges, operations, step counts).</param>
    /// <param name="excludedSignatures">Calculations never to produce (e.g. <see cref="ArithmeticTask.TestSignatures"/>).</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ArithmeticEvolver(ArithmeticTaskOptions options, IReadOnlySet<string>? excludedSignatures = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _generator = new ArithmeticTaskGenerator(options);
        _excluded = excludedSignatures ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The seed problem is not an <see cref="ArithmeticProblem"/>.</exception>
    public Task<ReasoningProblem?> EvolveAsync(ReasoningProblem seedProblem, long seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seedProblem);
        cancellationToken.ThrowIfCancellationRequested();
        if (seedProblem is not ArithmeticProblem problem)
            throw new ArgumentException($"{nameof(ArithmeticEvolver)} evolves only problems of the built-in task ({nameof(ArithmeticProblem)}); got {seedProblem.GetType().Name}.", nameof(seedProblem));
        return Task.FromResult<ReasoningProblem?>(Evolve(problem, seed));
    }

    /// <summary>The evolved problem (see the class remarks), or null when no rewrite fits the task's ranges.</summary>
    public ArithmeticProblem? Evolve(ArithmeticProblem seedProblem, long seed)
    {
        ArgumentNullException.ThrowIfNull(seedProblem);
        var random = new SeededRandom(StableHash.Combine(seed, seedProblem.Signature));
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            int rewrite = random.NextInt(3);
            if (rewrite == 1 && seedProblem.Steps.Count >= _generator.Options.MaxSteps) rewrite = 2;
            List<ArithmeticStep>? chain = rewrite switch
            {
                0 => NewNumbers(seedProblem, random),
                1 => OneMoreStep(seedProblem, random),
                _ => AnotherOperation(seedProblem, random),
            };
            if (chain is null) continue;
            int start = chain[0].Before;
            var evolved = new ArithmeticProblem(seedProblem.Character, seedProblem.Item, start, chain);
            if (evolved.Signature != seedProblem.Signature && !_excluded.Contains(evolved.Signature)) return evolved;
        }
        return null;
    }

    private List<ArithmeticStep>? NewNumbers(ArithmeticProblem seedProblem, SeededRandom random)
    {
        var options = _generator.Options;
        int value = options.MinStart + random.NextInt(options.MaxStart - options.MinStart + 1);
        var chain = new List<ArithmeticStep>(seedProblem.Steps.Count);
        foreach (ArithmeticStep step in seedProblem.Steps)
        {
            int[] operands = _generator.Operands(step.Operation, value);
            if (operands.Length == 0) return null;
            chain.Add(Make(step.Operation, operands[random.NextInt(operands.Length)], value));
            value = chain[^1].After;
        }
        return chain;
    }

    private List<ArithmeticStep>? OneMoreStep(ArithmeticProblem seedProblem, SeededRandom random)
    {
        var next = _generator.TryNextStep(random, seedProblem.FinalValue, _generator.Options.Operations);
        return next is null ? null : [.. seedProblem.Steps, next];
    }

    private List<ArithmeticStep>? AnotherOperation(ArithmeticProblem seedProblem, SeededRandom random)
    {
        int index = random.NextInt(seedProblem.Steps.Count);
        var others = _generator.Options.Operations.Where(o => o != seedProblem.Steps[index].Operation).ToArray();
        if (others.Length == 0) return null;
        var chain = seedProblem.Steps.Take(index).ToList();
        var replaced = _generator.TryNextStep(random, seedProblem.Steps[index].Before, others);
        if (replaced is null) return null;
        chain.Add(replaced);
        int value = replaced.After;
        foreach (ArithmeticStep step in seedProblem.Steps.Skip(index + 1))
        {
            int[] operands = _generator.Operands(step.Operation, value);
            if (operands.Length == 0) return null;
            int operand = operands.Contains(step.Operand) ? step.Operand : operands[random.NextInt(operands.Length)];
            chain.Add(Make(step.Operation, operand, value));
            value = chain[^1].After;
        }
        return chain;
    }

    private static ArithmeticStep Make(ArithmeticOperation operation, int operand, int before)
        => new(operation, operand, before, ArithmeticStep.Apply(operation, before, operand)!.Value);
}
