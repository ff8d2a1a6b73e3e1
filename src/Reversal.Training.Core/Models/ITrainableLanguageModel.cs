using Reversal.Training.Serialization;


namespace Reversal.Training.Models;

/// <summary>
/// A causal language model the engine-neutral <see cref="Trainer"/> can train: it names its parameters, opens a
/// <see cref="ITrainingSession"/> (forward, backward and optimizer on its own engine) and exchanges its weights as
/// <see cref="TensorData"/> so that checkpoints are the same Hugging Face folders on every engine.
/// </summary>
public interface ITrainableLanguageModel : ICausalLanguageModel
{
    /// <summary>The hyper-parameters, written as the checkpoint's <c>config.json</c>.</summary>
    LlamaConfig Config { get; }

    /// <summary>Every parameter, in state-dict order.</summary>
    IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>
    /// Sets every parameter's trainability to <paramref name="isTrainable"/>(its current <see cref="ParameterInfo"/>):
    /// a frozen parameter gets no gradient buffer (an existing one is released) and no optimizer state in the
    /// training sessions opened afterwards. See <see cref="ParameterFreezing"/> for selection by name pattern.
    /// </summary>
    void SetTrainable(Func<ParameterInfo, bool> isTrainable);

    /// <summary>Opens the engine half of training: gradients and an optimizer over the trainable parameters.</summary>
    /// <exception cref="ArgumentException">The settings are invalid, or no parameter is trainable.</exception>
    ITrainingSession CreateTrainingSession(AdamWSettings optimizer);

    /// <summary>Copies of every weight, by state-dict name, in the order Hugging Face's <c>state_dict()</c> lists them.</summary>
    IReadOnlyList<KeyValuePair<string, TensorData>> ExportWeights();

    /// <summary>
    /// Replaces the weights by name. Strict: every parameter must be present with its exact shape and finite values,
    /// and no unknown name may appear; nothing changes unless the whole set is valid.
    /// </summary>
    /// <exception cref="StateDictMismatchException">A tensor is missing, unexpected, mis-shaped or not finite; every one is named.</exception>
    void ImportWeights(IReadOnlyDictionary<string, TensorData> weights);
}
