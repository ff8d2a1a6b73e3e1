namespace Reversal.Training.TestSupport.Fuzzing;

/// <summary>
/// The inputs of a run, addressable by index: first the systematic ones (thinned evenly to their share of the run),
/// then random stacks of one to three mutations, input <c>i</c> depending only on the run's seed and <c>i</c>. A run
/// can therefore resume after a hung input, and any input can be rebuilt from its index.
/// </summary>
public sealed class FuzzPlan
{
    private readonly FuzzTarget _target;
    private readonly FuzzOptions _options;
    private readonly List<SystematicInput> _systematic;

    /// <summary>Plans <paramref name="options"/>.<see cref="FuzzOptions.Inputs"/> inputs for <paramref name="target"/>.</summary>
    public FuzzPlan(FuzzTarget target, FuzzOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        if (target.Seeds.Count == 0) throw new ArgumentException("A fuzz target needs at least one seed.", nameof(target));
        _target = target;
        _options = options;
        var all = target.Seeds.SelectMany(target.Systematic).ToList();
        int budget = (int)(options.Inputs * options.SystematicShare);
        int stride = Math.Max(1, (all.Count + budget - 1) / Math.Max(1, budget));
        _systematic = all.Where((_, i) => i % stride == 0).Take(budget).ToList();
    }

    /// <summary>Number of inputs.</summary>
    public int Count => _options.Inputs;

    /// <summary>Number of systematic inputs (they come first).</summary>
    public int SystematicCount => _systematic.Count;

    /// <summary>Input <paramref name="index"/> and how it was made.</summary>
    public (string Mutation, byte[] Input) this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            if (index < _systematic.Count) return (_systematic[index].Description, _systematic[index].Make());
            var random = new Random(unchecked(_options.Seed * 1_000_003 + index));
            byte[] input = _target.Seeds[random.Next(_target.Seeds.Count)];
            int roll = random.Next(100), count = roll < 60 ? 1 : roll < 85 ? 2 : 3;
            var names = new string[count];
            for (int m = 0; m < count; m++)
            {
                var mutator = _target.Mutators[random.Next(_target.Mutators.Count)];
                input = mutator.Apply(input, random, _target.Seeds);
                names[m] = mutator.Name;
            }
            return (string.Join(" + ", names), input);
        }
    }
}
