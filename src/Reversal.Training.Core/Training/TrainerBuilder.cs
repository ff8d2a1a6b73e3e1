using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reversal.Training.Checkpoints;
using Reversal.Training.Models;
using Reversal.Training.Objectives;

namespace Reversal.Training;

/// <summary>Fluent construction of a <see cref="Trainer"/>; start with <see cref="Trainer.For"/>.</summary>
public sealed class TrainerBuilder
{
    private readonly ITrainableLanguageModel _model;
    private ITrainingObjective? _objective;
    private readonly OptimizerOptions _optimizer = new();
    private readonly ScheduleOptions _schedule = new();
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private IProgress<TrainingProgress>? _progress;
    private long _seed;
    private SpecialTokenIds? _specialTokens;
    private EvaluationPolicy? _evaluation;
    private int _accumulation = 1;
    private CheckpointPolicy? _checkpoints;
    private string? _resumeFrom;
    private readonly List<(bool TrainOnly, string[] Patterns)> _freezing = [];

    internal TrainerBuilder(ITrainableLanguageModel model) => _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The objective that prepares every batch (required).</summary>
    public TrainerBuilder WithObjective(ITrainingObjective objective)
    {
        _objective = objective ?? throw new ArgumentNullException(nameof(objective));
        return this;
    }

    /// <summary>Configures the optimiser (default: AdamW, lr 1e-3, weight decay 0.01, no clipping).</summary>
    public TrainerBuilder WithOptimizer(Action<OptimizerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_optimizer);
        return this;
    }

    /// <summary>Configures the learning-rate schedule (default: constant).</summary>
    public TrainerBuilder WithSchedule(Action<ScheduleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_schedule);
        return this;
    }

    /// <summary>Logs progress through <paramref name="loggerFactory"/> (category <c>Reversal.Training.Trainer</c>).</summary>
    public TrainerBuilder WithLogger(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Reports every optimizer step to <paramref name="progress"/>.</summary>
    public TrainerBuilder WithProgress(IProgress<TrainingProgress> progress)
    {
        _progress = progress ?? throw new ArgumentNullException(nameof(progress));
        return this;
    }

    /// <summary>Seeds data order and objective randomness (default 0): the same seed reproduces a run exactly.</summary>
    public TrainerBuilder WithSeed(long seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>
    /// The tokenizer's special ids (required: objectives place BOS/EOS, padding and placeholders by them; a tokenizer whose
    /// ids differ from a default would otherwise be trained wrongly without an error). <c>WithTokenizer(tokenizer)</c>
    /// in Reversal.Training.Data takes them from an <c>ITokenizer</c>.
    /// </summary>
    public TrainerBuilder WithSpecialTokens(SpecialTokenIds specialTokens)
    {
        _specialTokens = specialTokens ?? throw new ArgumentNullException(nameof(specialTokens));
        return this;
    }

    /// <summary>
    /// Gradient accumulation: each optimizer step's batch (the <c>batchSize</c> examples of <c>Fit</c>, or the examples
    /// given to <c>TrainStep</c>) is split into <paramref name="microBatches"/> forward/backward passes whose gradients
    /// are summed, weighted by their counted targets. The step is the full-batch step (same effective batch size, same
    /// update up to float rounding) at a fraction of the activation memory; it does not multiply the batch size.
    /// </summary>
    public TrainerBuilder WithGradientAccumulation(int microBatches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        _accumulation = microBatches;
        return this;
    }

    /// <summary>
    /// Saves a checkpoint (model, optimizer, schedule position, random generators) every <paramref name="everySteps"/>
    /// optimizer steps into <paramref name="directory"/>, keeping the newest <paramref name="keepLast"/> (0: all).
    /// </summary>
    public TrainerBuilder WithCheckpointing(string directory, int everySteps, int keepLast = 3, CheckpointSaveFailure onFailure = CheckpointSaveFailure.Throw)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        if (!Enum.IsDefined(onFailure)) throw new ArgumentOutOfRangeException(nameof(onFailure), onFailure, "Unknown CheckpointSaveFailure.");
        _checkpoints = new CheckpointPolicy(directory, everySteps, keepLast, onFailure);
        return this;
    }

    /// <summary>
    /// Measures <paramref name="metric"/> every <paramref name="everySteps"/> optimizer steps of <c>Fit</c> (logged and
    /// kept in <see cref="TrainingReport.Evaluations"/>), and with <paramref name="patience"/> stops training once that
    /// many evaluations in a row have not improved on the best value.
    /// </summary>
    /// <param name="name">The metric's name, for logs (e.g. <c>validation_loss</c>).</param>
    /// <param name="everySteps">Evaluate after every this many optimizer steps.</param>
    /// <param name="metric">Computes the value from the model (it may run the model without gradients).</param>
    /// <param name="higherIsBetter">Whether larger values are improvements (a rank@1) or smaller ones (a loss).</param>
    /// <param name="patience">Evaluations without improvement before stopping early; null never stops.</param>
    public TrainerBuilder WithEvaluation(string name, int everySteps, Func<ITrainableLanguageModel, double> metric, bool higherIsBetter = false, int? patience = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        ArgumentNullException.ThrowIfNull(metric);
        if (patience is < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience must be at least 1 evaluation.");
        _evaluation = new EvaluationPolicy(name, everySteps, metric, higherIsBetter, patience);
        return this;
    }

    /// <summary>
    /// Freezes the model's parameters matching any of <paramref name="patterns"/> (see <see cref="ParameterNamePattern"/>)
    /// when the trainer is built: they get no gradient buffer and no optimizer state. Applied in call order with
    /// <see cref="TrainOnly"/>; the model keeps the setting afterwards, as PyTorch's <c>requires_grad_</c> does.
    /// </summary>
    /// <exception cref="ArgumentException">No pattern, or an empty one (a pattern matching nothing fails at <see cref="Build"/>).</exception>
    public TrainerBuilder Freeze(params string[] patterns)
    {
        _freezing.Add((false, CheckPatterns(patterns)));
        return this;
    }

    /// <summary>
    /// Trains only the model's parameters matching any of <paramref name="patterns"/> and freezes the rest, when the
    /// trainer is built (see <see cref="Freeze"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No pattern, or an empty one (a pattern matching nothing fails at <see cref="Build"/>).</exception>
    public TrainerBuilder TrainOnly(params string[] patterns)
    {
        _freezing.Add((true, CheckPatterns(patterns)));
        return this;
    }

    private static string[] CheckPatterns(string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Length == 0) throw new ArgumentException("Give at least one parameter name pattern.", nameof(patterns));
        foreach (string pattern in patterns) _ = new ParameterNamePattern(pattern);
        return (string[])patterns.Clone();
    }

    /// <summary>Restores a checkpoint folder when the trainer is built (see <see cref="Trainer.LoadCheckpoint"/>).</summary>
    public TrainerBuilder ResumeFrom(string checkpointDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointDirectory);
        _resumeFrom = checkpointDirectory;
        return this;
    }

    /// <summary>Creates the trainer and opens the model's training session (gradients and optimizer state); with
    /// <see cref="ResumeFrom"/>, restores the checkpoint, validated in full before anything is changed.</summary>
    /// <exception cref="InvalidOperationException">No objective or no special tokens were given.</exception>
    /// <exception cref="ArgumentException">A <see cref="Freeze"/> or <see cref="TrainOnly"/> pattern matches no parameter, or no parameter is left trainable.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A special token id (<see cref="WithSpecialTokens"/>) is outside the model's vocabulary.</exception>
    /// <exception cref="Serialization.CheckpointFormatException">The checkpoint is not valid or was made for another optimizer
    /// (see <see cref="Trainer.LoadCheckpoint"/>).</exception>
    /// <exception cref="Serialization.SafeTensorsFormatException">A weights or optimizer file of the checkpoint is not valid SafeTensors.</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint's weights do not fit the model.</exception>
    public Trainer Build()
    {
        if (_objective is null) throw new InvalidOperationException("TrainerBuilder: call WithObjective(...) before Build().");
        var special = _specialTokens ?? throw new InvalidOperationException(
            "TrainerBuilder: call WithSpecialTokens(tokenizer.SpecialTokens) (or WithTokenizer(tokenizer)) before Build(): objectives place BOS, EOS, padding and placeholders by the tokenizer's ids.");
        special.EnsureInVocabulary(_model.VocabSize, "the model");
        foreach (var (trainOnly, patterns) in _freezing)
        {
            if (trainOnly) _model.TrainOnly(patterns);
            else _model.Freeze(patterns);
        }
        var trainer = new Trainer(_model, _objective, _optimizer.Settings, _optimizer.MaxGradNorm, _schedule,
            _loggerFactory.CreateLogger<Trainer>(), _progress, _seed, special, _accumulation, _checkpoints, _evaluation);
        if (_resumeFrom is null) return trainer;
        try
        {
            trainer.LoadCheckpoint(_resumeFrom);
            return trainer;
        }
        catch
        {
            trainer.Dispose(); // the session's buffers (device memory on TorchSharp) must not outlive a refused checkpoint
            throw;
        }
    }
}
