namespace Reversal.ReverseModelling.Experiment;

/// <summary>The sample's command-line settings.</summary>
internal sealed record ExperimentSettings
{
    /// <summary>The shared data folder holding gsm8k/ and reversal_curse/ (null or absent: generated data).</summary>
    public string? DataRoot { get; init; }

    /// <summary>Documents in all (half natural, half degraded), before the train / held-out split.</summary>
    public int Documents { get; init; } = 2400;

    /// <summary>Share of the documents held out for scoring.</summary>
    public double HeldOut { get; init; } = 0.25;

    /// <summary>Epochs of each model.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>BPE vocabulary size.</summary>
    public int VocabSize { get; init; } = 2000;

    /// <summary>Longest document in tokens (longer ones are cut); also the model's context.</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Seed of data, degradation, initialisation and data order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Compute threads.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Output folder for results.md and results.json (null: none).</summary>
    public string? OutputDirectory { get; init; }
}
