using Reversal.Training.Engine.Llama;
using Reversal.Training.Generation;
using Reversal.Training.Models;
using Reversal.Training.Randomness;
using Reversal.Training.TorchSharp.Llama;

namespace Reversal.Benchmarks.Workloads;

/// <summary>
/// Greedy KV-cache decoding through <see cref="Generator"/> (one <see cref="IDecodingSession"/> for the whole batch):
/// <see cref="PromptLength"/> prompt tokens per row, then <see cref="NewTokens"/> new tokens per row, on the Tiny or
/// Small architecture with a vocabulary of <see cref="Vocabulary"/>, from the same seed-0 initial weights on both
/// engines (<see cref="LlamaModel.Create"/>, <see cref="TorchLlama.Create"/>). No stop token: every row generates
/// all its new tokens.
/// </summary>
public sealed class DecodeWorkload : IDisposable
{
    /// <summary>Token ids of the model.</summary>
    public const int Vocabulary = 1000;

    /// <summary>Prompt tokens per row.</summary>
    public const int PromptLength = 16;

    /// <summary>New tokens per row.</summary>
    public const int NewTokens = 64;

    private readonly ICausalLanguageModel _model;
    private readonly TorchLlama? _torchModel;
    private readonly int[][] _prompts;
    private readonly GenerationOptions _options = GenerationOptions.Greedy(NewTokens);

    /// <summary>Builds the model and <paramref name="batch"/> random prompts (seed 1).</summary>
    public DecodeWorkload(TrainStepWorkload.Preset preset, int batch, BenchmarkEngine engine)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var config = TrainStepWorkload.Architecture(preset, Vocabulary) with { MaxPositionEmbeddings = PromptLength + NewTokens };
        _model = engine == BenchmarkEngine.Native
            ? LlamaModel.Create(config, seed: 0)
            : _torchModel = TorchLlama.Create(config, seed: 0, TorchSharp.torch.CPU);
        var random = new SeededRandom(1);
        _prompts = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, PromptLength).Select(_ => 4 + random.NextInt(Vocabulary - 4)).ToArray()).ToArray();
    }

    /// <summary>New tokens one <see cref="Run"/> generates over all rows.</summary>
    public int NewTokensPerRun => _prompts.Length * NewTokens;

    /// <summary>Decodes every row; returns the new tokens.</summary>
    public int[][] Run() => Generator.Generate(_model, _prompts, _options, batchSize: _prompts.Length);

    /// <summary>Frees the LibTorch model.</summary>
    public void Dispose() => _torchModel?.Dispose();
}
