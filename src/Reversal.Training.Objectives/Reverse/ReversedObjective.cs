using Reversal.Training.Objectives;

namespace Reversal.Training.Objectives;

/// <summary>
/// Applies an objective to reversed copies of the examples, made by an <see cref="ISequenceReversal"/> (token, word,
/// entity-preserving or random-segment reversal). Alone, with token reversal, it trains a reverse model (a right-to-left
/// language model) for reverse-modelling data scores; mixed with the forward objective it is reverse training
/// (Golovneva et al., arXiv 2403.13799; <see cref="Objective.ReverseTrainingRecipe"/>).
/// </summary>
/// <remarks>The reversal draws from the context's random stream before the inner objective does (only
/// <see cref="RandomSegmentReversal"/> draws at all). Reversed examples have no prompt, so a completion-only inner
/// objective trains on the whole reversed text.</remarks>
public sealed class ReversedObjective : ITrainingObjective
{
    /// <summary>Wraps <paramref name="inner"/> (e.g. <see cref="NextTokenPrediction"/>).</summary>
    /// <param name="inner">The objective applied to the reversed examples.</param>
    /// <param name="reversal">How examples are reversed; null: <see cref="TokenReversal"/>.</param>
    public ReversedObjective(ITrainingObjective inner, ISequenceReversal? reversal = null)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Reversal = reversal ?? TokenReversal.Instance;
    }

    /// <summary>The objective applied to reversed examples.</summary>
    public ITrainingObjective Inner { get; }

    /// <summary>The reversal transform.</summary>
    public ISequenceReversal Reversal { get; }

    /// <inheritdoc />
    /// <remarks><c>{reversal}-reversed-{inner}</c>, e.g. <c>token-reversed-ntp</c>, <c>entity-reversed-ntp</c>.</remarks>
    public string Name => $"{Reversal.Name}-reversed-{Inner.Name}";

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An example is null, cannot be reversed (see
    /// <see cref="ISequenceReversal.Reverse"/>), or is unusable by the inner objective; the message names the example.</exception>
    public ObjectiveBatch Prepare(IReadOnlyList<TokenSequence> examples, ObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        var reversed = new TokenSequence[examples.Count];
        for (int i = 0; i < reversed.Length; i++)
        {
            var example = examples[i] ?? throw new ArgumentException($"Example {i} is null.", nameof(examples));
            try
            {
                reversed[i] = Reversal.Reverse(example, context.SpecialTokens, context.Random);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Example {i} cannot be {Reversal.Name}-reversed: {e.Message}", nameof(examples), e);
            }
        }
        var batch = Inner.Prepare(reversed, context);
        return new ObjectiveBatch(batch.BatchSize, batch.SequenceLength, batch.InputIds, batch.PositionIds, batch.Targets,
            batch.Attention, batch.KeyMask, Name);
    }
}
