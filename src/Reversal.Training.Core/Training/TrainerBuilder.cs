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
    private SpecialTokenIds _specialTokens = SpecialTokenIds.Default;
    private int _accumulation = 1;
    private CheckpointPolicy? _checkpoints;
    private string? _resumeFrom;

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

    /// <summary>The tokenizer's special ids (default: <see cref="SpecialTokenIds.Default"/>).</summary>
    public TrainerBuilder WithSpecialTokens(SpecialTokenIds specialTokens)
    {
        _specialTokens = specialTokens ?? throw new ArgumentNullException(nameof(specialTokens));
        return this;
    }

    /// <summary>Splits every optimizer step's batch into <paramref name="microBatches"/> forward/backward passes whose gradients are summed (weighted by counted targets, so the step equals the full-batch step).</summary>
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
    public TrainerBuilder WithCheckpointing(string directory, int everySteps, int keepLast = 3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(everySteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        _checkpoints = new CheckpointPolicy(directory, everySteps, keepLast);
        return this;
    }

    /// <summary>Restores a checkpoint folder when the trainer is built (see <see cref="Trainer.LoadCheckpoint"/>).</summary>
    public TrainerBuilder ResumeFrom(string checkpointDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointDirectory);
        _resumeFrom = checkpointDirectory;
        return this;
    }

    /// <summary>Creates the trainer and opens the model's training session (gradients and optimizer state).</summary>
    /// <exception cref="InvalidOperationException">No objective was given.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A special token id (<see cref="WithSpecialTokens"/>, or the default)
    /// is outside the model's vocabulary.</exception>
    public Trainer Build()
    {
        if (_objective is null) throw new InvalidOperationException("TrainerBuilder: call WithObjective(...) before Build().");
        var special = _specialTokens;
        special.EnsureInVocabulary(_model.VocabSize, "the model");
        var trainer = new Trainer(_model, _objective, _optimizer.Settings, _optimizer.MaxGradNorm, _schedule.Factory,
            _loggerFactory.CreateLogger<Trainer>(), _progress, _seed, special, _accumulation, _checkpoints);
        if (_resumeFrom is not null) trainer.LoadCheckpoint(_resumeFrom);
        return trainer;
    }
}
