namespace Reversal.FineTuning;

/// <summary>The pre-training of the first half, as saved in <c>runs/pretraining.json</c> beside the model in <c>pretrained/</c>.</summary>
internal sealed record PretrainingRecord
{
    /// <summary>The run name of the record in the run store.</summary>
    public const string RunName = "pretraining";

    public required PretrainingSettings Settings { get; init; }
    public required int TrainingRows { get; init; }
    public required double FinalLoss { get; init; }
    public required double TrainSeconds { get; init; }
    public required double TokensPerSecond { get; init; }
    public required long TotalParameters { get; init; }

    /// <summary>Why a saved record cannot stand for a pre-training with <paramref name="settings"/>, or null when it can.</summary>
    public string? MismatchWith(PretrainingSettings settings) => Settings != settings
        ? $"holds a pre-training with other settings ({Settings}) than this run ({settings}); use another --out."
        : null;
}
