namespace Reversal.Demo.Comparison;

/// <summary>What makes two runs of one objective and seed comparable: a saved run is reused only when these match.</summary>
/// <param name="Data">The Berglund folder's full path, or <c>generated:{people}x{templates}</c>.</param>
/// <param name="Preset">tiny or small.</param>
/// <param name="Epochs">Epochs over the training rows.</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="Backend">native or torch.</param>
/// <param name="EvaluateMax">Rows evaluated per split (null: all).</param>
internal sealed record RunSettings(string Data, string Preset, int Epochs, int BatchSize, double LearningRate, string Backend, int? EvaluateMax);
