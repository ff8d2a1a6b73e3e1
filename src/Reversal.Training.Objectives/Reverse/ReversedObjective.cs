using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>
/// Applies an objective to token-reversed copies of the examples (<see cref="TokenSequence.Reversed"/>). Alone it trains a
/// reverse model (right-to-left language model) for reverse-modelling data scores; mixed with the forward objective it is
/// token-level reverse training (<see cref="Objective.ReverseTrainingRecipe"/>).
/// </summary>
public sealed class ReversedObjective : ITrainingObjective
{
    /// <summary>Wraps <paramref name="inner"/> (e.g. <see cref="NextTokenPrediction"/>).</summary>
    public ReversedObjective(ITrainingObjective inner) => Inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The objective applied to reversed examples.</summary>
    public ITrainingObjective Inner { get; }

    /// <inheritdoc />
    public string Name => "reversed-" + Inner.Name;

    /// <inheritdoc />
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        var reversed = new TokenSequence[examples.Count];
        for (int i = 0; i < reversed.Length; i++)
            reversed[i] = (examples[i] ?? throw new ArgumentException($"Example {i} is null.", nameof(examples))).Reversed(context.SpecialTokens);
        var batch = Inner.Prepare(reversed, context);
        return new ObjectiveBatch(batch.BatchSize, batch.SequenceLength, batch.InputIds, batch.PositionIds, batch.Targets,
            batch.Attention, batch.KeyMask, Name);
    }
}
