using Reversal.Samples.ReversalCurse;

namespace Reversal.FineTuning;

/// <summary>
/// One row of the results: a fine-tuning run (objective × mode) or the pre-trained model evaluated as it is, as saved in
/// <c>runs/{run}.json</c> so that a repeated command reuses it.
/// </summary>
internal sealed record RunRecord
{
    /// <summary>The run name of the baseline: the pre-trained model before any fine-tuning.</summary>
    public const string BaselineRun = "pretrained-only";

    /// <summary>The run's name: <c>{objective}-{mode}</c>, or <see cref="BaselineRun"/>.</summary>
    public required string Run { get; init; }

    /// <summary>The fine-tuning objective (a catalogue name), or null for the baseline.</summary>
    public required string? Objective { get; init; }

    /// <summary>The fine-tuning mode, or null for the baseline.</summary>
    public required FineTuningMode? Mode { get; init; }

    public required RunSettings Settings { get; init; }

    /// <summary>Loss of the last fine-tuning step (null for the baseline).</summary>
    public required double? FinalLoss { get; init; }

    /// <summary>Fine-tuning wall time in seconds (0 for the baseline).</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Evaluation wall time in seconds.</summary>
    public required double EvaluateSeconds { get; init; }

    /// <summary>Scalars the fine-tuning updated (0 for the baseline).</summary>
    public required long TrainableParameters { get; init; }

    /// <summary>Scalars of the fine-tuned model, frozen or not (with LoRA, the base model's and the adapters').</summary>
    public required long TotalParameters { get; init; }

    public required IReadOnlyList<SplitRecord> Splits { get; init; }

    /// <summary>The name of the run of <paramref name="objective"/> in <paramref name="mode"/>.</summary>
    public static string RunName(string objective, FineTuningMode mode) => $"{objective}-{mode.Key()}";

    /// <summary>The row label: <c>ntp · LoRA</c>, or <c>pretrained only</c>.</summary>
    public string Label => Objective is null || Mode is not FineTuningMode mode ? "pretrained only" : $"{Objective} · {mode.Label()}";

    /// <summary>Why a saved record cannot stand for run <paramref name="run"/> with <paramref name="settings"/>, or null when it can.</summary>
    public string? MismatchWith(string run, RunSettings settings) =>
        Run != run ? $"holds run '{Run}', not '{run}'; delete it or use another --out."
        : Settings != settings ? $"was made with other settings ({Settings}) than this run ({settings}); use another --out."
        : null;
}
