using Reversal.Training.Models;

namespace Reversal.Training;

/// <summary>The evaluation hook of a <see cref="Trainer"/>: a metric measured every few steps, with optional early stopping.</summary>
/// <param name="Name">The metric's name, for logs.</param>
/// <param name="EverySteps">Measure after every this many optimizer steps.</param>
/// <param name="Metric">Computes the metric from the model (e.g. a validation loss or rank@1).</param>
/// <param name="HigherIsBetter">Whether larger values are improvements.</param>
/// <param name="Patience">Stop after this many evaluations without improvement (null: never stop early).</param>
internal sealed record EvaluationPolicy(string Name, int EverySteps, Func<ITrainableLanguageModel, double> Metric, bool HigherIsBetter, int? Patience);
