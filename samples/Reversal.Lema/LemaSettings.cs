namespace Reversal.Lema;

/// <summary>The experiment's command-line settings.</summary>
internal sealed record LemaSettings
{
    /// <summary>Output folder for results.md, results.json and the generated data (null: none written).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Fine-tuning seeds (data order) per condition.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Seed of the task, the base checkpoint, the reasoner and evolution.</summary>
    public int TaskSeed { get; init; } = 1;

    /// <summary>Problems the base checkpoint is pre-trained on (disjoint from the training and test problems).</summary>
    public int Pretrain { get; init; } = 600;

    /// <summary>Epochs of pre-training that make the base checkpoint.</summary>
    public int PretrainEpochs { get; init; } = 15;

    /// <summary>Training problems (the fine-tuning questions, on which mistakes are collected).</summary>
    public int Train { get; init; } = 200;

    /// <summary>Held-out test problems.</summary>
    public int Test { get; init; } = 200;

    /// <summary>Fewest operations per problem.</summary>
    public int MinSteps { get; init; } = 2;

    /// <summary>Most operations per problem.</summary>
    public int MaxSteps { get; init; } = 3;

    /// <summary>Largest start value.</summary>
    public int MaxStart { get; init; } = 15;

    /// <summary>Largest number added or subtracted.</summary>
    public int MaxOperand { get; init; } = 9;

    /// <summary>Largest multiplier or divisor.</summary>
    public int MaxFactor { get; init; } = 3;

    /// <summary>Largest value a step may produce.</summary>
    public int MaxValue { get; init; } = 30;

    /// <summary>Epochs of CoT fine-tuning that make the reasoner from the base checkpoint.</summary>
    public int ReasonerEpochs { get; init; } = 2;

    /// <summary>Paths sampled per training question.</summary>
    public int Paths { get; init; } = 3;

    /// <summary>Sampling temperature of the reasoner.</summary>
    public float Temperature { get; init; } = 0.7f;

    /// <summary>Evolved questions per evolution strategy.</summary>
    public int Evolved { get; init; } = 100;

    /// <summary>Fine-tuning epochs per condition.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak learning rate of pre-training (AdamW, warm-up, cosine).</summary>
    public double PretrainLearningRate { get; init; } = 3e-3;

    /// <summary>Peak learning rate of every fine-tuning: the reasoner's and each condition's (AdamW, warm-up, cosine).</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>A base checkpoint folder written by an earlier run with the same task settings (its
    /// <c>checkpoints/base</c>, with <c>tokenizer.json</c>): pre-training is skipped. Null: pre-train.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Compute threads.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
