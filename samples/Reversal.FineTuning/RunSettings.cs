namespace Reversal.FineTuning;

/// <summary>
/// What makes two fine-tuning runs (or two evaluations of the pre-trained model) the same: a saved run is reused only
/// when these match. The LoRA fields are zero for full fine-tuning and the baseline, the fine-tuning fields for the baseline.
/// </summary>
/// <param name="Pretraining">The pre-training the run starts from.</param>
/// <param name="Epochs">Fine-tuning epochs.</param>
/// <param name="LearningRate">Peak fine-tuning learning rate.</param>
/// <param name="LoraRank">LoRA rank r.</param>
/// <param name="LoraAlpha">LoRA alpha.</param>
/// <param name="LoraDropout">LoRA dropout.</param>
/// <param name="LoraTrainEmbeddings">Embeddings and head trained in full beside the adapters.</param>
/// <param name="EvaluateMax">Rows evaluated per split (null: all).</param>
internal sealed record RunSettings(PretrainingSettings Pretraining, int Epochs, double LearningRate, int LoraRank, double LoraAlpha,
    double LoraDropout, bool LoraTrainEmbeddings, int? EvaluateMax)
{
    /// <summary>The settings of a fine-tuning run in <paramref name="mode"/>.</summary>
    public static RunSettings For(FineTuningSettings settings, FineTuningMode mode) => mode == FineTuningMode.Lora
        ? new(PretrainingSettings.Of(settings), settings.LoraEpochs, settings.LoraLearningRate, settings.LoraRank, settings.LoraAlpha,
            settings.LoraDropout, settings.LoraTrainEmbeddings, settings.EvaluateMax)
        : new(PretrainingSettings.Of(settings), settings.FullEpochs, settings.FullLearningRate, 0, 0, 0, false, settings.EvaluateMax);

    /// <summary>The settings of evaluating the pre-trained model as it is.</summary>
    public static RunSettings ForBaseline(FineTuningSettings settings) =>
        new(PretrainingSettings.Of(settings), 0, 0, 0, 0, 0, false, settings.EvaluateMax);
}
