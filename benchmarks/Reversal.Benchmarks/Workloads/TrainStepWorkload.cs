using Reversal.Training.Models;
using Reversal.Training.Engine.Llama;
using Reversal.Training.Objectives;
using Reversal.Training.Randomness;
using Reversal.Training;
using Reversal.Training.TorchSharp.Llama;

namespace Reversal.Benchmarks.Workloads;

/// <summary>
/// One optimizer step on random tokens, shaped like the PyTorch peer's <c>bench()</c> in torch_llama.py: Tiny is
/// vocab 1024, d128, 4 layers, 4 heads, ffn 352, T 64, batch 32; Small is vocab 4096, d256, 6 layers, 8 heads,
/// ffn 704, T 128, batch 16; AdamW lr 1e-3; loss on every position. The same <see cref="Trainer"/> step runs on our
/// engine (<see cref="LlamaModel"/>) or on LibTorch (<see cref="TorchLlama"/>, CPU), from the same initial weights.
/// </summary>
public sealed class TrainStepWorkload : IDisposable
{
    private readonly TorchLlama? _torchModel;
    private readonly Trainer _trainer;
    private readonly TokenSequence[] _batch;

    /// <summary>Model presets matching the peer.</summary>
    public enum Preset
    {
        /// <summary>d128, 4 layers, T 64, batch 32, vocab 1024.</summary>
        Tiny,

        /// <summary>d256, 6 layers, T 128, batch 16, vocab 4096.</summary>
        Small,
    }

    /// <summary>Builds the model, the trainer and one fixed batch.</summary>
    /// <param name="preset">Model and batch shape.</param>
    /// <param name="objective">"ntp", "bico" (BICO denoising on every step) or "bico-mix" (the 50/50 recipe).</param>
    /// <param name="engine">Which engine trains.</param>
    public TrainStepWorkload(Preset preset, string objective, BenchmarkEngine engine = BenchmarkEngine.Native)
    {
        var (config, length, batch) = Shape(preset);
        ITrainableLanguageModel model = engine == BenchmarkEngine.Native
            ? LlamaModel.Create(config, seed: 0)
            : _torchModel = TorchLlama.Create(config, seed: 0, TorchSharp.torch.CPU);
        ITrainingObjective chosen = objective switch
        {
            "ntp" => new NextTokenPrediction(),
            "bico" => new Bico(),
            "bico-mix" => Objective.BicoRecipe(),
            _ => throw new ArgumentException($"Unknown objective '{objective}'.", nameof(objective)),
        };
        _trainer = Trainer.For(model).WithObjective(chosen).WithSpecialTokens(SpecialTokenIds.Default).WithOptimizer(o => o.AdamW(lr: 1e-3)).WithSeed(0).Build();
        var random = new SeededRandom(1);
        // T + 1 tokens per row: NTP trains on T positions (BICO on T + 1, the whole row).
        _batch = Enumerable.Range(0, batch).Select(_ =>
        {
            var ids = new int[length + 1];
            for (int t = 0; t < ids.Length; t++) ids[t] = 4 + random.NextInt(config.VocabSize - 4);
            return new TokenSequence(ids);
        }).ToArray();
        TokensPerStep = batch * length;
    }

    /// <summary>The preset's architecture with <paramref name="vocabSize"/> token ids (positions: the preset's default).</summary>
    public static LlamaConfig Architecture(Preset preset, int vocabSize) =>
        preset == Preset.Tiny ? LlamaConfig.Tiny(vocabSize) : LlamaConfig.Small(vocabSize);

    /// <summary>The model (with room for T + 1 positions), T and B of a preset's train step.</summary>
    public static (LlamaConfig Config, int Length, int Batch) Shape(Preset preset)
    {
        (int vocab, int length, int batch) = preset == Preset.Tiny ? (1024, 64, 32) : (4096, 128, 16);
        return (Architecture(preset, vocab) with { MaxPositionEmbeddings = length + 1 }, length, batch);
    }

    /// <summary>
    /// <see cref="ModelFlops.TrainStep"/> of one step: NTP feeds T tokens per row under a causal mask, BICO the whole
    /// row of T + 1 tokens under a bidirectional one; "bico-mix" is the mean of the two (its expected step).
    /// </summary>
    public static double ModelFlopsPerStep(Preset preset, string objective)
    {
        var (config, length, batch) = Shape(preset);
        double ntp = ModelFlops.TrainStep(config, batch, length, causal: true);
        double bico = ModelFlops.TrainStep(config, batch, length + 1, causal: false);
        return objective switch
        {
            "ntp" => ntp,
            "bico" => bico,
            "bico-mix" => (ntp + bico) / 2,
            _ => throw new ArgumentException($"Unknown objective '{objective}'.", nameof(objective)),
        };
    }

    /// <summary>Token positions per step as the peer counts them (B·T).</summary>
    public int TokensPerStep { get; }

    /// <summary>Runs one optimizer step and returns its loss.</summary>
    public double Step() => _trainer.TrainStep(_batch).Loss;

    /// <summary>Frees the trainer's session and, on LibTorch, the model.</summary>
    public void Dispose()
    {
        _trainer.Dispose();
        _torchModel?.Dispose();
    }
}
