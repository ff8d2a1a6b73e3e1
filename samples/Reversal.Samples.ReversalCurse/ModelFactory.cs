using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Lora;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.FineTuning;
using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Llama;
using Reversal.Training.TorchSharp.Lora;
using TorchSharp;

namespace Reversal.Samples.ReversalCurse;

/// <summary>
/// Creates, loads and adapts the samples' models on the chosen engine: our CPU engine or TorchSharp on a device. Both
/// start from the same weights for a seed and attach the same LoRA adapters for a seed.
/// </summary>
public sealed class ModelFactory
{
    /// <summary>The <c>--backend</c> values: <c>native</c> (our CPU engine) and <c>torch</c> (TorchSharp / LibTorch).</summary>
    public static IReadOnlyList<string> Backends { get; } = ["native", "torch"];

    private readonly torch.Device? _device;

    /// <summary>Chooses the engine and sets its compute threads.</summary>
    /// <param name="backend">One of <see cref="Backends"/>.</param>
    /// <param name="device">TorchSharp device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>) for the torch backend.</param>
    /// <param name="threads">Compute threads.</param>
    public ModelFactory(string backend, string device, int threads)
    {
        if (backend == "torch")
        {
            _device = torch.device(device);
            torch.set_num_threads(threads);
        }
        else
        {
            Compute.MaxThreads = threads;
        }
    }

    /// <summary>A short description for the console, e.g. <c>native engine</c> or <c>TorchSharp / LibTorch on cuda:0</c>.</summary>
    public string Describe() => _device is null ? "native engine" : $"TorchSharp / LibTorch on {_device}";

    /// <summary>A model loaded from a Hugging Face checkpoint folder written by either engine; dispose it when done.</summary>
    public ITrainableLanguageModel Load(string directory) =>
        _device is null ? LlamaModel.Load(directory) : TorchLlama.Load(directory, _device);

    /// <summary>A freshly initialised model; dispose it when done (TorchSharp frees device memory then).</summary>
    public ITrainableLanguageModel Create(LlamaConfig config, long seed) =>
        _device is null ? LlamaModel.Create(config, seed) : TorchLlama.Create(config, seed, _device);

    /// <summary>
    /// Attaches fresh LoRA adapters to a model this factory made (<c>LoraModel.Apply</c> or <c>TorchLoraModel.Apply</c>);
    /// the base model's parameters are frozen except <see cref="LoraConfig.ModulesToSave"/>. Dispose the result before
    /// the base model.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="baseModel"/> is not a Llama of either engine, or the config does not fit it.</exception>
    public static ILoraModel ApplyLora(ITrainableLanguageModel baseModel, LoraConfig config, long seed) => baseModel switch
    {
        LlamaModel native => LoraModel.Apply(native, config, seed),
        TorchLlama torchModel => TorchLoraModel.Apply(torchModel, config, seed),
        _ => throw new ArgumentException($"LoRA needs a Llama of either engine, got {baseModel.GetType().Name}.", nameof(baseModel)),
    };
}
