using Reversal.Samples.ReversalCurse;

namespace Reversal.Demo;

/// <summary>The demo's command-line settings.</summary>
internal sealed record DemoSettings
{
    /// <summary>A Berglund-layout folder to use instead of generated data (null: generate).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// A folder holding the Berglund entity lists (<c>names.txt</c>, <c>descriptions.txt</c>) for entity-preserving
    /// objectives (null: <c>{data}/../templates</c> when it exists; generated data knows its own entities).
    /// </summary>
    public string? EntitiesDirectory { get; init; }

    /// <summary>Objectives to train, in order: names of the <see cref="ObjectiveCatalog"/>.</summary>
    public IReadOnlyList<string> Objectives { get; init; } = ["ntp", "bico", "abi"];

    /// <summary>Epochs over the training file per objective.</summary>
    public int Epochs { get; init; } = 25;

    /// <summary>Model preset: tiny or small.</summary>
    public string Preset { get; init; } = "tiny";

    /// <summary>
    /// Seeds to run every objective with (each seeds data generation, initialisation, data order and objective
    /// randomness); with more than one, results are also aggregated as mean ± spread.
    /// </summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1];

    /// <summary>The engine: <c>native</c> (our CPU engine) or <c>torch</c> (TorchSharp / LibTorch).</summary>
    public string Backend { get; init; } = "native";

    /// <summary>TorchSharp device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>); only with the torch backend.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Compute threads (default: all cores).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// A folder a previous run wrote with <c>--out</c>: evaluate its saved models (<c>models/&lt;objective&gt;</c>) with its
    /// tokenizer instead of training (null: train).
    /// </summary>
    public string? EvaluateDirectory { get; init; }

    /// <summary>
    /// Output folder for results, the trained models, the tokenizer and the generated data (null: none written); with
    /// several seeds each seed gets <c>seed-N/</c> and the folder itself the comparison. Runs already saved there are
    /// reused, so an interrupted comparison continues when the command is repeated.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>People per subset of the generated data.</summary>
    public int People { get; init; } = 30;

    /// <summary>Training templates per person of the generated data.</summary>
    public int Templates { get; init; } = 20;

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Evaluate only the first N rows of each test split (null: all).</summary>
    public int? EvaluateMax { get; init; }

    /// <summary>Prompts decoded together during evaluation (1: one row at a time).</summary>
    public int DecodingBatchSize { get; init; } = 64;

    /// <summary>
    /// With an output folder: optimizer steps between training checkpoints (<c>checkpoints/&lt;objective&gt;</c>, also
    /// written when a stop signal arrives); a repeated command resumes from them (null: no checkpoints).
    /// </summary>
    public int? CheckpointEvery { get; init; }
}
