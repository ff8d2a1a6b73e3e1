using Reversal.Training.Randomness;
using Reversal.Training.Serialization;

namespace Reversal.Training.Models;

/// <summary>
/// The initial weights of a Llama model, the same on every engine: every matrix drawn from
/// Normal(0, <see cref="LlamaConfig.InitializerRange"/>²) with one <see cref="SeededRandom"/> stream, in Hugging Face
/// state-dict order (embedding; per layer q, k, v, o, gate, up, down; head), and every RMSNorm gain 1. Our engine and
/// the TorchSharp engine both start from these, so the same seed gives the same model on either.
/// </summary>
public static class LlamaInitialization
{
    /// <summary>The initial weights of a model with <paramref name="config"/>, by Hugging Face name, in state-dict order.</summary>
    /// <exception cref="ArgumentException">The config is inconsistent.</exception>
    public static IReadOnlyList<KeyValuePair<string, TensorData>> InitialWeights(LlamaConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var random = new SeededRandom(seed);
        var shapes = HuggingFaceCheckpoint.ParameterShapes(config);
        var weights = new List<KeyValuePair<string, TensorData>>(shapes.Count);
        foreach (string name in HuggingFaceCheckpoint.ParameterNames(config))
        {
            int[] shape = shapes[name];
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            if (shape.Length == 1)
                Array.Fill(values, 1f); // RMSNorm gains
            else
                for (int i = 0; i < values.Length; i++) values[i] = (float)(config.InitializerRange * random.NextGaussian());
            weights.Add(new(name, new TensorData(values, shape)));
        }
        return weights;
    }
}
