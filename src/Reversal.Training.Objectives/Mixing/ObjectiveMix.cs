using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>
/// An objective that picks one member per batch at random, with probability proportional to its weight (drawn from
/// the context's seeded stream, so runs are reproducible). BICO's recipe is <c>Mix((ntp, 0.5), (bico, 0.5))</c>: every
/// batch flips a fair coin between a plain causal step and a BICO step.
/// </summary>
public sealed class ObjectiveMix : ITrainingObjective
{
    private readonly ITrainingObjective[] _members;
    private readonly double[] _cumulative;

    /// <summary>Creates the mix.</summary>
    /// <exception cref="ArgumentException">No member, a null member, or a weight that is negative, NaN or infinite, or all weights zero.</exception>
    public ObjectiveMix(params (ITrainingObjective Objective, double Weight)[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Length == 0) throw new ArgumentException("A mix needs at least one objective.", nameof(members));
        _members = new ITrainingObjective[members.Length];
        _cumulative = new double[members.Length];
        double total = 0;
        for (int i = 0; i < members.Length; i++)
        {
            var (objective, weight) = members[i];
            _members[i] = objective ?? throw new ArgumentException($"Mix member {i} is null.", nameof(members));
            if (!(weight >= 0) || double.IsInfinity(weight))
                throw new ArgumentException($"Mix weight {weight} of '{objective.Name}' must be finite and non-negative.", nameof(members));
            total += weight;
            _cumulative[i] = total;
        }
        if (total <= 0) throw new ArgumentException("At least one mix weight must be positive.", nameof(members));
        for (int i = 0; i < _cumulative.Length; i++) _cumulative[i] /= total;
        Members = members.Select(m => (m.Objective, m.Weight / total)).ToArray();
        Name = "mix(" + string.Join(",", Members.Select(m => $"{m.Objective.Name}:{m.Probability:0.###}")) + ")";
    }

    /// <summary>The members with their normalised probabilities.</summary>
    public IReadOnlyList<(ITrainingObjective Objective, double Probability)> Members { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>The returned batch carries the chosen member's name.</remarks>
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double u = context.Random.NextDouble();
        int chosen = 0;
        while (chosen < _cumulative.Length - 1 && u >= _cumulative[chosen]) chosen++;
        return _members[chosen].Prepare(examples, context);
    }
}
