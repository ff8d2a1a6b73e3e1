using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Reversal.Training.Checkpoints;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training.Schedules;

namespace Reversal.Training;

/// <summary>
/// Runs the training loop Prepare → Forward → loss → Backward → clip → Step over a data set, for any
/// <see cref="ITrainingObjective"/> and any <see cref="ITrainableLanguageModel"/> (our engine's <c>LlamaModel</c>,
/// TorchSharp's <c>TorchLlama</c>). Build one with <see cref="For"/>. The loop itself is engine-neutral; the model's
/// <see cref="ITrainingSession"/> does forward, backward and the optimizer on its own engine and device.
/// </summary>
/// <example><code>
/// var trainer = Trainer.For(model)
///     .WithObjective(new NextTokenPrediction())
///     .WithOptimizer(o => o.AdamW(lr: 3e-3).ClipGradNorm(1.0))
///     .WithSchedule(s => s.WarmupCosine(warmupSteps: 100))
///     .Build();
/// TrainingReport report = trainer.Fit(data, epochs: 40, batchSize: 64);
/// </code></example>
/// <remarks>Thread safety: a trainer is not thread-safe (one caller at a time); different trainers may run at the same
/// time on different threads or interleaved across <c>await</c>s, and each gives what it would alone.</remarks>
public sealed class Trainer : IDisposable
{
    private readonly double? _maxGradNorm;
    private readonly Func<long, ILearningRateSchedule> _scheduleFactory;
    private readonly ILogger _logger;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly int _accumulation;
    private readonly double _baseLearningRate;
    private ILearningRateSchedule _schedule;
    private SeededRandom _dataRandom;
    private SeededRandom _objectiveRandom;
    private readonly CheckpointPolicy? _checkpoints;
    private TrainerCheckpointState? _resume;
    private long _scheduleTotalSteps;
    private readonly bool _scheduleNeedsRunLength;
    private readonly EvaluationPolicy? _evaluation;

    internal Trainer(ITrainableLanguageModel model, ITrainingObjective objective, AdamWSettings optimizer, double? maxGradNorm,
        ScheduleOptions schedule, ILogger logger, IProgress<TrainingProgress>? progress, long seed,
        SpecialTokenIds specialTokens, int accumulation, CheckpointPolicy? checkpoints, EvaluationPolicy? evaluation)
    {
        var scheduleFactory = schedule.Factory;
        _scheduleNeedsRunLength = schedule.NeedsRunLength;
        _evaluation = evaluation;
        _checkpoints = checkpoints;
        Model = model; Objective = objective; Optimizer = optimizer; _maxGradNorm = maxGradNorm;
        Session = model.CreateTrainingSession(optimizer);
        TrainableParameterCount = model.TrainableParameterCount();
        ParameterCount = model.TotalParameterCount();
        _scheduleFactory = scheduleFactory; _logger = logger; _progress = progress; _accumulation = accumulation;
        SpecialTokens = specialTokens;
        _baseLearningRate = optimizer.LearningRate;
        _schedule = scheduleFactory(0);
        var root = new SeededRandom(seed);
        _dataRandom = root.Fork();
        _objectiveRandom = root.Fork();
    }

    /// <summary>Starts building a trainer for <paramref name="model"/>.</summary>
    public static TrainerBuilder For(ITrainableLanguageModel model) => new(model);

    /// <summary>The model being trained.</summary>
    public ITrainableLanguageModel Model { get; }

    /// <summary>Scalars training updates: the parameters trainable when the session opened (gradients and AdamW
    /// moments exist for these only).</summary>
    public long TrainableParameterCount { get; }

    /// <summary>Scalars of every parameter of the model, frozen or not.</summary>
    public long ParameterCount { get; }

    /// <summary>The objective preparing every batch.</summary>
    public ITrainingObjective Objective { get; }

    /// <summary>The optimizer's hyper-parameters.</summary>
    public AdamWSettings Optimizer { get; }

    /// <summary>The engine half of training: gradients and optimizer state (its <see cref="ITrainingSession.StepCount"/> is the global step).</summary>
    public ITrainingSession Session { get; }

    /// <summary>Optimizer steps applied so far.</summary>
    public long StepCount => Session.StepCount;

    /// <summary>Special token ids handed to the objective.</summary>
    public SpecialTokenIds SpecialTokens { get; }

    /// <summary>The base learning rate (the schedule multiplies it).</summary>
    public double BaseLearningRate => _baseLearningRate;

    /// <summary>
    /// One optimizer step on <paramref name="examples"/>, for a host that drives the loop itself: prepares
    /// <c>accumulation</c> micro-batches, runs forward and backward on each (gradients weighted by counted targets),
    /// clips, updates the weights, and reports progress.
    /// </summary>
    /// <exception cref="ArgumentException">The examples are empty or unusable by the objective.</exception>
    /// <exception cref="InvalidOperationException">The schedule decays over the run but no run length is known (warm-up +
    /// cosine without <c>totalSteps</c>): outside <see cref="Fit"/> the decay would have no horizon.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the gradients are not finite; the weights are untouched.</exception>
    public StepResult TrainStep(IReadOnlyList<TokenSequence> examples)
    {
        if (_scheduleNeedsRunLength && _scheduleTotalSteps <= 0)
            throw new InvalidOperationException(
                "The warm-up + cosine schedule decays over the run's length, which a TrainStep loop does not know: " +
                "pass totalSteps to WarmupCosine(...) when driving TrainStep yourself (Fit knows it).");
        var result = Step(examples);
        _progress?.Report(new TrainingProgress(result.Step, _scheduleTotalSteps, 0, result.Loss, result.LearningRate,
            result.GradientNorm, 0, result.Objective));
        return result;
    }

    /// <summary>The step itself, shared by <see cref="TrainStep"/> and <see cref="Fit"/> (which reports progress with its epoch and throughput).</summary>
    private StepResult Step(IReadOnlyList<TokenSequence> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("TrainStep needs at least one example.", nameof(examples));
        long step = Session.StepCount + 1;
        var context = new ObjectiveContext(_objectiveRandom, SpecialTokens, Model.ContextLength);
        int parts = Math.Min(_accumulation, examples.Count);
        var batches = new ObjectiveBatch[parts];
        for (int i = 0; i < parts; i++)
        {
            int from = (int)((long)examples.Count * i / parts), to = (int)((long)examples.Count * (i + 1) / parts);
            batches[i] = Objective.Prepare(Slice(examples, from, to), context);
        }
        long totalCounted = batches.Sum(b => (long)b.CountedTargets);
        Session.ZeroGradients();
        double loss = 0;
        long tokens = 0;
        foreach (var batch in batches)
        {
            double weight = totalCounted == 0 ? 0 : (double)batch.CountedTargets / totalCounted;
            double value = Session.AccumulateGradients(batch, weight);
            if (!double.IsFinite(value))
            {
                Session.ZeroGradients();
                throw new TrainingDivergedException(step, value, $"the loss of the '{batch.ObjectiveName}' batch is not finite");
            }
            loss += weight * value;
            tokens += batch.TokenCount;
        }
        double norm = Session.ClipGradients(_maxGradNorm);
        if (!double.IsFinite(norm))
        {
            Session.ZeroGradients();
            throw new TrainingDivergedException(step, loss, $"the gradients are not finite (global norm {norm})");
        }
        double lr = _baseLearningRate * _schedule.Multiplier(Session.StepCount);
        Session.Step(lr);
        _logger.LogDebug("step {Step} {Objective} loss {Loss:F4} grad-norm {Norm:F3} lr {Lr:G4}", step, batches[^1].ObjectiveName, loss, norm, lr);
        return new StepResult(step, loss, norm, lr, tokens, batches[^1].ObjectiveName);
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> passes over <paramref name="data"/>, shuffled every epoch by the trainer's
    /// seed, in batches of <paramref name="batchSize"/> examples (the last batch of an epoch may be smaller). With an
    /// evaluation hook (<see cref="TrainerBuilder.WithEvaluation"/>) it may stop early.
    /// </summary>
    /// <remarks>Cancellation is honoured at step boundaries: when checkpointing is on, a final checkpoint of the
    /// position reached is written first (resuming from it continues exactly), then
    /// <see cref="TrainingCancelledException"/> (an <see cref="OperationCanceledException"/>) says where training
    /// stopped and what was kept.</remarks>
    /// <exception cref="ArgumentException">The data is empty or a size is not positive.</exception>
    /// <exception cref="TrainingDivergedException">A step's loss or gradients are not finite.</exception>
    /// <exception cref="TrainingCancelledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingReport Fit(IReadOnlyList<TokenSequence> data, int epochs, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("Fit needs a non-empty data set.", nameof(data));
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int batchesPerEpoch = (data.Count + batchSize - 1) / batchSize;
        long totalSteps = (long)batchesPerEpoch * epochs;
        int startEpoch = 1, startBatch = 0;
        var losses = new List<double>((int)Math.Min(totalSteps, int.MaxValue));
        var objectives = new List<string>(losses.Capacity);
        _scheduleTotalSteps = Session.StepCount + totalSteps;
        if (_resume is { } resume)
        {
            _resume = null;
            // A checkpoint taken inside Fit (epoch >= 1) records a run position, which only the same run can continue;
            // one taken outside (SaveCheckpoint, epoch 0) records none, and Fit then starts a run of its own.
            if (resume.Epoch > 0)
            {
                if (resume.BatchSize != batchSize || resume.Examples != data.Count || resume.Epochs != epochs)
                    throw new ArgumentException($"The checkpoint was taken in a run of {resume.Epochs} epochs over {resume.Examples} examples in batches of {resume.BatchSize}; " +
                                                $"resuming needs the same, got {epochs} epochs over {data.Count} examples in batches of {batchSize}.");
                (startEpoch, startBatch, _scheduleTotalSteps) = (resume.Epoch, resume.NextBatch, resume.ScheduleTotalSteps);
                _dataRandom = resume.DataRandomAtEpochStart.ToRandom();
                losses.AddRange(resume.Losses);
                objectives.AddRange(resume.Objectives);
            }
            _logger.LogInformation("Resuming at step {Step}, epoch {Epoch}, batch {Batch}", Session.StepCount, startEpoch, startBatch);
        }
        _schedule = _scheduleFactory(_scheduleTotalSteps);
        _logger.LogInformation("Training {Trainable:N0} of {Parameters:N0} parameters with {Objective} on {Examples} examples: {Epochs} epochs × {Batches} batches of {BatchSize}",
            TrainableParameterCount, ParameterCount, Objective.Name, data.Count, epochs, batchesPerEpoch, batchSize);

        long tokens = 0;
        var clock = Stopwatch.StartNew();
        var order = new int[data.Count];
        int epochsDone = startEpoch - 1;
        var evaluations = new List<EvaluationRecord>();
        var tracker = _evaluation is { } evaluation ? new EarlyStopping(evaluation) : null;
        long lastSaved = -1;
        int failedSaves = 0;
        for (int epoch = startEpoch; epoch <= epochs; epoch++)
        {
            var epochStart = _dataRandom.GetState();
            for (int i = 0; i < order.Length; i++) order[i] = i;
            _dataRandom.Shuffle(order.AsSpan());
            double epochLoss = 0;
            int epochSteps = 0;
            for (int start = epoch == startEpoch ? startBatch * batchSize : 0; start < order.Length; start += batchSize)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    string? kept = null;
                    if (_checkpoints is { } cancelPolicy && lastSaved != Session.StepCount)
                    {
                        var here = new RunPosition(epoch, start / batchSize, epochs, batchSize, data.Count, epochStart);
                        kept = TrySave(cancelPolicy, here, losses, objectives, ref failedSaves) ?? TrainingCheckpoint.FindLatest(cancelPolicy.Directory);
                    }
                    else if (_checkpoints is { } policyAlreadySaved)
                    {
                        kept = TrainingCheckpoint.FindLatest(policyAlreadySaved.Directory);
                    }
                    _logger.LogWarning("Training cancelled at step {Step} (epoch {Epoch}); checkpoint {Checkpoint}", Session.StepCount, epoch, kept ?? "(none)");
                    throw new TrainingCancelledException(Session.StepCount, kept, cancellationToken);
                }
                int count = Math.Min(batchSize, order.Length - start);
                var batch = new TokenSequence[count];
                for (int i = 0; i < count; i++) batch[i] = data[order[start + i]];
                var result = Step(batch);
                losses.Add(result.Loss);
                objectives.Add(result.Objective);
                tokens += result.Tokens;
                epochLoss += result.Loss;
                epochSteps++;
                _progress?.Report(new TrainingProgress(result.Step, _scheduleTotalSteps, epoch, result.Loss, result.LearningRate,
                    result.GradientNorm, tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds), result.Objective));
                if (_checkpoints is { } policy && result.Step % policy.EverySteps == 0)
                {
                    var position = new RunPosition(epoch, start / batchSize + 1, epochs, batchSize, data.Count, epochStart);
                    if (TrySave(policy, position, losses, objectives, ref failedSaves) is string saved)
                    {
                        lastSaved = result.Step;
                        _logger.LogInformation("Saved checkpoint {Path}", saved);
                    }
                }
                if (tracker is not null && result.Step % tracker.Policy.EverySteps == 0)
                {
                    double value = tracker.Policy.Metric(Model);
                    evaluations.Add(new EvaluationRecord(result.Step, value));
                    _logger.LogInformation("step {Step}: {Metric} {Value:G6}", result.Step, tracker.Policy.Name, value);
                    if (tracker.Observe(result.Step, value))
                    {
                        _logger.LogInformation("Stopping early at step {Step}: {Metric} has not improved for {Patience} evaluations (best {Best:G6} at step {BestStep})",
                            result.Step, tracker.Policy.Name, tracker.Policy.Patience, tracker.Best, tracker.BestStep);
                        return new TrainingReport(losses, objectives, epochsDone, tokens, clock.Elapsed, evaluations, StoppedEarly: true, failedSaves) { TrainableParameters = TrainableParameterCount, TotalParameters = ParameterCount };
                    }
                }
            }
            epochsDone = epoch;
            _logger.LogInformation("epoch {Epoch}/{Epochs}: mean loss {Loss:F4}, {TokensPerSecond:N0} tok/s",
                epoch, epochs, epochLoss / Math.Max(1, epochSteps), tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
        }
        return new TrainingReport(losses, objectives, epochsDone, tokens, clock.Elapsed, evaluations, StoppedEarly: false, failedSaves) { TrainableParameters = TrainableParameterCount, TotalParameters = ParameterCount };
    }

    /// <summary>Saves a checkpoint under the policy; a failed save throws, or with <see cref="CheckpointSaveFailure.LogAndContinue"/> is logged, counted and gives null.</summary>
    private string? TrySave(CheckpointPolicy policy, RunPosition position, List<double> losses, List<string> objectives, ref int failedSaves)
    {
        try
        {
            return TrainingCheckpoint.Save(policy.Directory, this, CaptureState(position, losses, objectives), policy.KeepLast);
        }
        catch (Exception e) when (policy.OnFailure == CheckpointSaveFailure.LogAndContinue && e is IOException or UnauthorizedAccessException)
        {
            failedSaves++;
            _logger.LogWarning(e, "Checkpoint at step {Step} was not saved ({Reason}); training continues", Session.StepCount, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Writes a checkpoint of the current state (model, optimizer, random generators) under <paramref name="root"/> as
    /// <c>checkpoint-{step}</c>, atomically; returns its folder. Outside <see cref="Fit"/> no epoch position is recorded.
    /// </summary>
    /// <exception cref="IOException">Writing failed (the previous checkpoints are intact).</exception>
    public string SaveCheckpoint(string root, int keepLast = 0) =>
        TrainingCheckpoint.Save(root, this, CaptureState(null, [], []), keepLast);

    /// <summary>
    /// Restores model weights, optimizer state and random generators from a checkpoint folder (e.g.
    /// <see cref="TrainingCheckpoint.FindLatest"/>); the next <see cref="Fit"/> with the same data, epochs and batch size
    /// continues exactly where the checkpointed run was, producing the losses an uninterrupted run would have.
    /// </summary>
    /// <remarks>Every file is read and validated before anything changes (the rules for <c>trainer_state.json</c> are
    /// on <see cref="TrainerCheckpointState"/>); a refused checkpoint leaves the trainer and its model as they were.
    /// Memory: the weights and the two AdamW moments are read as float32 (12 bytes per parameter, one byte per byte of
    /// the F32 files) and copied into the existing model and optimizer, plus the parse of the JSON files.</remarks>
    /// <exception cref="ArgumentException"><paramref name="checkpointDirectory"/> is empty or white space.</exception>
    /// <exception cref="Serialization.CheckpointFormatException">The folder is not a valid checkpoint (a file missing; a
    /// field of <c>trainer_state.json</c> missing, mistyped, out of range or inconsistent; optimizer moments missing,
    /// mis-shaped or not finite), or it was made for another optimizer; the message names the file and the field or
    /// tensor (and element).</exception>
    /// <exception cref="Serialization.SafeTensorsFormatException">A weights or optimizer file is not valid SafeTensors.</exception>
    /// <exception cref="StateDictMismatchException">The weights do not fit the checkpoint's config or this model.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public void LoadCheckpoint(string checkpointDirectory)
    {
        var state = TrainingCheckpoint.Load(checkpointDirectory, this);
        _objectiveRandom = state.ObjectiveRandom.ToRandom();
        if (state.Epoch == 0) _dataRandom = state.DataRandomAtEpochStart.ToRandom();
        _resume = state;
        _logger.LogInformation("Loaded checkpoint {Path} at step {Step}", checkpointDirectory, state.Step);
    }

    private TrainerCheckpointState CaptureState(RunPosition? position, List<double> losses, List<string> objectives) => new()
    {
        Step = Session.StepCount,
        Epoch = position?.Epoch ?? 0,
        NextBatch = position?.NextBatch ?? 0,
        Epochs = position?.Epochs ?? 0,
        BatchSize = position?.BatchSize ?? 0,
        Examples = position?.Examples ?? 0,
        ScheduleTotalSteps = _scheduleTotalSteps,
        BaseLearningRate = _baseLearningRate,
        Objective = Objective.Name,
        Optimizer = Session.OptimizerName,
        DataRandomAtEpochStart = TrainerCheckpointState.RandomState.From(position?.EpochStart ?? _dataRandom.GetState()),
        ObjectiveRandom = TrainerCheckpointState.RandomState.From(_objectiveRandom.GetState()),
        Losses = [.. losses],
        Objectives = [.. objectives],
    };

    /// <summary>Releases the training session (gradient buffers and optimizer state; device memory on TorchSharp).</summary>
    public void Dispose() => Session.Dispose();

    private sealed record RunPosition(int Epoch, int NextBatch, int Epochs, int BatchSize, int Examples, SeededRandomState EpochStart);

    private static TokenSequence[] Slice(IReadOnlyList<TokenSequence> items, int from, int to)
    {
        var slice = new TokenSequence[to - from];
        for (int i = from; i < to; i++) slice[i - from] = items[i];
        return slice;
    }
}
