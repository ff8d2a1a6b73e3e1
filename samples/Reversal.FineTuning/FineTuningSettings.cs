namespace Reversal.FineTuning;

/// <summary>The fine-tuning experiment's command-line settings.</summary>
internal sealed record FineTuningSettings
{
    /// <summary>A Berglund-layout folder to use instead of generated data (null: generate).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Berglund data: the folder with <c>names.txt</c> (the people) and <c>descriptions.txt</c> (null: <c>{data}/../templates</c>).</summary>
    public string? EntitiesDirectory { get; init; }

    /// <summary>Objectives to fine-tune with, in order: names of the objective catalogue.</summary>
    public IReadOnlyList<string> Objectives { get; init; } = ["ntp", "bico", "abi"];

    /// <summary>Fine-tuning modes, in order.</summary>
    public IReadOnlyList<FineTuningMode> Modes { get; init; } = [FineTuningMode.Lora, FineTuningMode.Full];

    /// <summary>Output folder: the pre-trained model, the runs, the fine-tuned models and the results.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("results", "fine-tuning");

    /// <summary>Model preset: tiny or small.</summary>
    public string Preset { get; init; } = "tiny";

    /// <summary>Seed of data generation, the split into halves, initialisation, LoRA adapters, data order and objective randomness.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Compute threads (default: all cores).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The engine: <c>native</c> (our CPU engine) or <c>torch</c> (TorchSharp / LibTorch).</summary>
    public string Backend { get; init; } = "native";

    /// <summary>TorchSharp device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>); only with the torch backend.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>People per subset of the generated data (p2d, d2p, both; each subset is split between the halves).</summary>
    public int People { get; init; } = 30;

    /// <summary>Training templates per person of the generated data.</summary>
    public int Templates { get; init; } = 20;

    /// <summary>Examples per optimizer step, in pre-training and fine-tuning.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Epochs of NTP pre-training over the first half's training rows.</summary>
    public int PretrainEpochs { get; init; } = 30;

    /// <summary>Peak learning rate of pre-training.</summary>
    public double PretrainLearningRate { get; init; } = 3e-3;

    /// <summary>LoRA rank r.</summary>
    public int LoraRank { get; init; } = 32;

    /// <summary>LoRA alpha (the update is scaled by alpha / r).</summary>
    public double LoraAlpha { get; init; } = 16;

    /// <summary>LoRA dropout on the adapters' input.</summary>
    public double LoraDropout { get; init; } = 0.05;

    /// <summary>
    /// Train the token embeddings and the head in full beside the adapters (PEFT's <c>modules_to_save</c>): the
    /// second half's names occur in no pre-training row, so without it their input embeddings keep their initial values.
    /// </summary>
    public bool LoraTrainEmbeddings { get; init; } = true;

    /// <summary>Peak learning rate of LoRA fine-tuning.</summary>
    public double LoraLearningRate { get; init; } = 1e-2;

    /// <summary>Epochs of LoRA fine-tuning.</summary>
    public int LoraEpochs { get; init; } = 60;

    /// <summary>Peak learning rate of full fine-tuning.</summary>
    public double FullLearningRate { get; init; } = 3e-3;

    /// <summary>Epochs of full fine-tuning.</summary>
    public int FullEpochs { get; init; } = 20;

    /// <summary>Evaluate only the first N rows of each test split (null: all).</summary>
    public int? EvaluateMax { get; init; }

    /// <summary>Prompts decoded together during evaluation (1: one row at a time).</summary>
    public int DecodingBatchSize { get; init; } = 64;

    /// <summary>Epochs of fine-tuning in <paramref name="mode"/>.</summary>
    public int EpochsOf(FineTuningMode mode) => mode == FineTuningMode.Lora ? LoraEpochs : FullEpochs;

    /// <summary>Peak learning rate of fine-tuning in <paramref name="mode"/>.</summary>
    public double LearningRateOf(FineTuningMode mode) => mode == FineTuningMode.Lora ? LoraLearningRate : FullLearningRate;

    /// <summary>What the data is, for saved records: the Berglund folder's full path or <c>generated:{people}x{templates}</c>.</summary>
    public string DataKey => DataDirectory is string d ? Path.GetFullPath(d) : $"generated:{People}x{Templates}";
}
