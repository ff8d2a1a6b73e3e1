using Reversal.Training.Models;
using Reversal.Training.Objectives;
using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Batches;
using Reversal.Training.TorchSharp.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Llama;

/// <summary>
/// The engine half of training a <see cref="TorchLlama"/>: TorchSharp autograd into the parameters' <c>.grad</c> and an
/// AdamW over the trainable parameters, all on the model's device. Every micro-batch's tensors are freed at the end of
/// its dispose scope.
/// </summary>
internal sealed class TorchLlamaTrainingSession : ITrainingSession
{
    private readonly TorchLlama _model;
    private readonly TorchAdamW _optimizer;
    private readonly IReadOnlyList<IReadOnlyList<int>> _shapes;

    public TorchLlamaTrainingSession(TorchLlama model, AdamWSettings settings)
        : this(model, model.named_parameters().Select(p => (p.name, p.parameter)).ToArray(), settings)
    {
    }

    /// <summary>A session over <paramref name="parameters"/> (every parameter of the model, by state-dict name, adapters
    /// included): gradients and AdamW moments for the ones with <c>requires_grad</c> only.</summary>
    /// <exception cref="ArgumentException">No parameter is trainable.</exception>
    public TorchLlamaTrainingSession(TorchLlama model, IReadOnlyList<(string Name, Parameter Parameter)> parameters, AdamWSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _model = model;
        var trainable = parameters.Where(p => p.Parameter.requires_grad).ToArray();
        if (trainable.Length == 0)
            throw new ArgumentException($"Every one of the model's {parameters.Count} parameters is frozen: nothing to train.", nameof(parameters));
        var infos = trainable.Select(p => new ParameterInfo(p.Name, p.Parameter.shape.Select(d => (int)d).ToArray(), Trainable: true)).ToArray();
        _optimizer = new TorchAdamW(trainable.Select((p, i) => (p.Name, p.Parameter, settings.Decays(infos[i]))), settings);
        _shapes = infos.Select(i => i.Shape).ToArray();
    }

    public long StepCount => _optimizer.StepCount;

    public string OptimizerName => "AdamW";

    public double AccumulateGradients(ObjectiveBatch batch, double weight)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Input.ValidateFor(_model.VocabSize, _model.ContextLength);
        using var scope = NewDisposeScope();
        using var torchBatch = batch.ToTorch(_model.Device);
        var loss = _model.Loss(torchBatch);
        double value = loss.item<float>();
        if (double.IsFinite(value) && weight > 0) loss.mul(weight).backward();
        return value;
    }

    public double ClipGradients(double? maxNorm)
    {
        using var scope = NewDisposeScope();
        var grads = _optimizer.Parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToArray();
        if (grads.Length == 0) return 0;
        double norm;
        using (no_grad())
            norm = Math.Sqrt(stack(grads.Select(g => g.to(ScalarType.Float64).square().sum()).ToArray()).sum().item<double>());
        if (maxNorm is double max && double.IsFinite(norm) && norm > max)
        {
            double scale = max / (norm + 1e-6);
            using var noGrad = no_grad();
            foreach (var g in grads) g.mul_(scale);
        }
        return norm;
    }

    public void Step(double learningRate) => _optimizer.Step(learningRate);

    public void ZeroGradients()
    {
        using var noGrad = no_grad();
        foreach (var p in _optimizer.Parameters) p.grad?.zero_();
    }

    public IReadOnlyDictionary<string, TensorData> ExportOptimizerState() => _optimizer.ExportState();

    public void ImportOptimizerState(IReadOnlyDictionary<string, TensorData> state, long stepCount)
    {
        ArgumentNullException.ThrowIfNull(state);
        OptimizerStateCheck.Validate(state, _optimizer.Names, _shapes);
        _optimizer.ImportState(state, stepCount);
    }

    public void Dispose() => _optimizer.Dispose();
}
