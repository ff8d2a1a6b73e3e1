namespace Reversal.FineTuning;

/// <summary>What makes two pre-trainings the same: the saved pre-trained model is reused only when these match.</summary>
/// <param name="Data">The Berglund folder's full path, or <c>generated:{people}x{templates}</c>.</param>
/// <param name="Seed">Seed of the data, the halves, initialisation and data order.</param>
/// <param name="Preset">tiny or small.</param>
/// <param name="Epochs">Epochs over the first half's training rows.</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="Backend">native or torch.</param>
internal sealed record PretrainingSettings(string Data, int Seed, string Preset, int Epochs, int BatchSize, double LearningRate, string Backend)
{
    /// <summary>The pre-training settings of a command line.</summary>
    public static PretrainingSettings Of(FineTuningSettings settings) => new(settings.DataKey, settings.Seed, settings.Preset,
        settings.PretrainEpochs, settings.BatchSize, settings.PretrainLearningRate, settings.Backend);
}
