namespace Reversal.FineTuning;

/// <summary>The <c>--finetune</c> values and the names runs and tables use for each mode.</summary>
internal static class FineTuningModes
{
    /// <summary>The <c>--finetune</c> values: <c>lora</c>, <c>full</c> or <c>both</c>.</summary>
    public static IReadOnlyList<string> OptionValues { get; } = ["lora", "full", "both"];

    /// <summary>The modes an <c>--finetune</c> value selects, LoRA first.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="OptionValues"/>.</exception>
    public static IReadOnlyList<FineTuningMode> Parse(string value) => value switch
    {
        "lora" => [FineTuningMode.Lora],
        "full" => [FineTuningMode.Full],
        "both" => [FineTuningMode.Lora, FineTuningMode.Full],
        _ => throw new ArgumentException($"--finetune must be one of {string.Join(", ", OptionValues)}, got '{value}'."),
    };

    /// <summary>The mode's name in run names and JSON: <c>lora</c> or <c>full</c>.</summary>
    public static string Key(this FineTuningMode mode) => mode == FineTuningMode.Lora ? "lora" : "full";

    /// <summary>The mode's name in tables: <c>LoRA</c> or <c>full</c>.</summary>
    public static string Label(this FineTuningMode mode) => mode == FineTuningMode.Lora ? "LoRA" : "full";
}
