using Reversal.Training.Engine.Llama;
using Reversal.Training.Engine.Runtime;
using Reversal.Training.Models;
using Reversal.Training.TorchSharp.Llama;
using TorchSharp;

namespace Reversal.Demo;

/// <summary>Creates the demo's model on the chosen engine: our CPU engine or TorchSharp on a device. Both start from the same weights for a seed.</summary>
internal sealed class ModelFactory
{
    private readonly string _backend;
    private readonly torch.Device? _device;

    public ModelFactory(string backend, string device, int threads)
    {
        _backend = backend;
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

    /// <summary>A short description for the console, e.g. <c>native</c> or <c>torch (cuda:0)</c>.</summary>
    public string Describe() => _device is null ? "native engine" : $"TorchSharp / LibTorch on {_device}";

    /// <summary>A model loaded from a Hugging Face checkpoint folder written by either engine.</summary>
    public ITrainableLanguageModel Load(string directory) =>
        _device is null ? LlamaModel.Load(directory) : TorchLlama.Load(directory, _device);

    /// <summary>A freshly initialised model; dispose it when done (TorchSharp frees device memory then).</summary>
    public ITrainableLanguageModel Create(LlamaConfig config, long seed) =>
        _device is null ? LlamaModel.Create(config, seed) : TorchLlama.Create(config, seed, _device);
}
