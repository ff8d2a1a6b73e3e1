using Reversal.Training.Serialization;
using Reversal.Training.TorchSharp.Interop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reversal.Training.TorchSharp.Optim;

/// <summary>
/// AdamW on TorchSharp tensors, with the exact update of <c>torch.optim.AdamW</c> (single-tensor path) and of our
/// engine's AdamW (see <see cref="AdamWSettings"/>): <c>θ ← θ·(1 − ηλ)</c> for decaying parameters, then
/// <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>, <c>θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)</c>.
/// Its moments are plain tensors, so they are exported to checkpoints under PyTorch's names.
/// </summary>
internal sealed class TorchAdamW : IDisposable
{
    private readonly Entry[] _entries;
    private readonly AdamWSettings _settings;

    public TorchAdamW(IEnumerable<(string Name, Parameter Parameter, bool Decays)> parameters, AdamWSettings settings)
    {
        _settings = settings;
        _entries = parameters.Select(p => new Entry(p.Name, p.Parameter, p.Decays, zeros_like(p.Parameter), zeros_like(p.Parameter))).ToArray();
        if (_entries.Length == 0) throw new ArgumentException("AdamW needs at least one trainable parameter.", nameof(parameters));
    }

    public long StepCount { get; private set; }

    public IEnumerable<Parameter> Parameters => _entries.Select(e => e.Parameter);

    public IReadOnlyList<string> Names => _entries.Select(e => e.Name).ToArray();

    public void Step(double learningRate)
    {
        StepCount++;
        double correction1 = 1 - Math.Pow(_settings.Beta1, StepCount);
        double correction2 = 1 - Math.Pow(_settings.Beta2, StepCount);
        double stepSize = learningRate / correction1;
        double inverseSqrtCorrection2 = 1 / Math.Sqrt(correction2);
        using var noGrad = no_grad();
        foreach (var e in _entries)
        {
            var g = e.Parameter.grad;
            if (g is null) continue;
            using var scope = NewDisposeScope();
            if (e.Decays) e.Parameter.mul_(1 - learningRate * _settings.WeightDecay);
            e.M.mul_(_settings.Beta1).add_(g, alpha: 1 - _settings.Beta1);
            e.V.mul_(_settings.Beta2).addcmul_(g, g, value: 1 - _settings.Beta2);
            var denominator = e.V.sqrt().mul_(inverseSqrtCorrection2).add_(_settings.Epsilon);
            e.Parameter.addcdiv_(e.M, denominator, value: -stepSize);
        }
    }

    public Dictionary<string, TensorData> ExportState()
    {
        var state = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var e in _entries)
        {
            state["exp_avg/" + e.Name] = e.M.ToTensorData();
            state["exp_avg_sq/" + e.Name] = e.V.ToTensorData();
        }
        return state;
    }

    /// <summary>Restores moments already checked by <c>OptimizerStateCheck</c>.</summary>
    public void ImportState(IReadOnlyDictionary<string, TensorData> state, long stepCount)
    {
        using var noGrad = no_grad();
        foreach (var e in _entries)
        {
            using var m = state["exp_avg/" + e.Name].ToTorch(e.Parameter.device);
            using var v = state["exp_avg_sq/" + e.Name].ToTorch(e.Parameter.device);
            e.M.copy_(m);
            e.V.copy_(v);
        }
        StepCount = stepCount;
    }

    public void Dispose()
    {
        foreach (var e in _entries)
        {
            e.M.Dispose();
            e.V.Dispose();
        }
    }

    private sealed record Entry(string Name, Parameter Parameter, bool Decays, Tensor M, Tensor V);
}
