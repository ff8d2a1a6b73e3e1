using Reversal.Training.Engine.NN;
using Reversal.Training.Engine.Optim;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Engine.Tensors;
using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;

namespace Reversal.Training.Engine.Llama;

/// <summary>
/// The engine half of training a <see cref="LlamaModel"/> on our engine: tape autograd into the parameters' gradient
/// buffers and an <see cref="AdamW"/> over the trainable parameters. Every micro-batch's transient tensors come from
/// (and return to) the <see cref="TensorMemory"/> pool, so a steady-state step allocates almost nothing.
/// </summary>
internal sealed class LlamaTrainingSession : ITrainingSession
{
    private readonly LlamaModel _model;
    private readonly AdamW _optimizer;
    private readonly string[] _names;
    private readonly IReadOnlyList<int>[] _shapes;

    /// <summary>Opens a session over <paramref name="parameters"/> (every parameter of the model, by state-dict name):
    /// gradients and AdamW moments are kept for the trainable ones only.</summary>
    /// <exception cref="ArgumentException">No parameter is trainable.</exception>
    public LlamaTrainingSession(LlamaModel model, IEnumerable<KeyValuePair<string, Parameter>> parameters, AdamWSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _model = model;
        var all = parameters.ToArray();
        foreach (var (_, frozen) in all.Where(p => !p.Value.Trainable)) frozen.Grad = null;
        var trainable = all.Where(p => p.Value.Trainable).ToArray();
        if (trainable.Length == 0)
            throw new ArgumentException($"Every one of the model's {all.Length} parameters is frozen: nothing to train.", nameof(parameters));
        _names = trainable.Select(p => p.Key).ToArray();
        _shapes = trainable.Select(p => p.Value.Shape).ToArray();
        var decays = trainable.Select(p => settings.Decays(new ParameterInfo(p.Key, p.Value.Shape.ToArray(), Trainable: true))).ToArray();
        _optimizer = new AdamW(trainable.Select(p => p.Value), settings.LearningRate, settings.Beta1, settings.Beta2,
            settings.Epsilon, settings.WeightDecay, decays);
    }

    /// <summary>The optimizer (over the trainable parameters only).</summary>
    public AdamW Optimizer => _optimizer;

    public long StepCount => _optimizer.StepCount;

    public string OptimizerName => nameof(AdamW);

    public double AccumulateGradients(ObjectiveBatch batch, double weight)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var memory = TensorMemory.BeginScope();
        OperationProfile.Mark();
        var loss = _model.Loss(batch);
        double value = loss.Item();
        if (double.IsFinite(value) && weight > 0) loss.Backward(Tensor.Scalar((float)weight));
        return value;
    }

    public double ClipGradients(double? maxNorm)
    {
        double norm = 0;
        OperationProfile.Time("GradientClipping", ProfilePhase.Other, () => norm = Clip(maxNorm));
        return norm;
    }

    private double Clip(double? maxNorm)
    {
        if (maxNorm is not double max) return GradientClipping.GlobalNorm(_optimizer.Parameters);
        try
        {
            return GradientClipping.ClipGlobalNorm(_optimizer.Parameters, max);
        }
        catch (NonFiniteGradientException e)
        {
            return e.Norm;
        }
    }

    public void Step(double learningRate)
    {
        _optimizer.LearningRate = learningRate;
        OperationProfile.Time("AdamW.Step", ProfilePhase.Other, _optimizer.Step);
    }

    public void ZeroGradients() => OperationProfile.Time("ZeroGradients", ProfilePhase.Other, _optimizer.ZeroGrad);

    public IReadOnlyDictionary<string, TensorData> ExportOptimizerState()
    {
        var shapes = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++) shapes[_names[i]] = _shapes[i];
        return _optimizer.ExportState(_names).ToDictionary(
            kv => kv.Key,
            kv => new TensorData((float[])kv.Value.Clone(), shapes[kv.Key[(kv.Key.IndexOf('/') + 1)..]].ToArray()),
            StringComparer.Ordinal);
    }

    public void ImportOptimizerState(IReadOnlyDictionary<string, TensorData> state, long stepCount)
    {
        ArgumentNullException.ThrowIfNull(state);
        OptimizerStateCheck.Validate(state, _names, _shapes);
        _optimizer.ImportState(_names, state.ToDictionary(kv => kv.Key, kv => kv.Value.Values, StringComparer.Ordinal), stepCount);
    }

    public void Dispose()
    {
    }
}
