using Reversal.Training.Objectives;
using Reversal.Training.Serialization;

namespace Reversal.Training;

/// <summary>
/// The engine half of training, opened by <see cref="Models.ITrainableLanguageModel.CreateTrainingSession"/>: it owns
/// the gradient buffers and the AdamW state of the trainable parameters. The engine-neutral <see cref="Trainer"/>
/// drives it: <see cref="ZeroGradients"/>, <see cref="AccumulateGradients"/> per micro-batch,
/// <see cref="ClipGradients"/>, <see cref="Step"/>.
/// </summary>
public interface ITrainingSession : IDisposable
{
    /// <summary>Optimizer steps applied so far (the global step).</summary>
    long StepCount { get; }

    /// <summary>The optimizer's name, recorded in checkpoints (<c>AdamW</c>).</summary>
    string OptimizerName { get; }

    /// <summary>
    /// Runs forward and the mean cross-entropy of <paramref name="batch"/>'s counted targets, and, when that loss is
    /// finite and <paramref name="weight"/> is positive, backward of <c>weight · loss</c> added into the gradients.
    /// </summary>
    /// <returns>The (unweighted) loss; NaN or infinity means no gradient was added.</returns>
    /// <exception cref="ArgumentException">A token id is outside the vocabulary or the batch exceeds the context.</exception>
    double AccumulateGradients(ObjectiveBatch batch, double weight);

    /// <summary>
    /// The global L2 norm of all gradients (float64, fixed order); when <paramref name="maxNorm"/> is set and the norm is
    /// finite and larger, scales every gradient by <c>maxNorm / (norm + 1e−6)</c> (PyTorch's <c>clip_grad_norm_</c>).
    /// </summary>
    /// <returns>The norm before clipping (NaN or infinity when a gradient is not finite; nothing is scaled then).</returns>
    double ClipGradients(double? maxNorm);

    /// <summary>Applies one AdamW update with <paramref name="learningRate"/> and increments <see cref="StepCount"/>.</summary>
    void Step(double learningRate);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>The optimizer moments, keyed <c>exp_avg/&lt;parameter&gt;</c> and <c>exp_avg_sq/&lt;parameter&gt;</c> (PyTorch's names), shaped like their parameters.</summary>
    IReadOnlyDictionary<string, TensorData> ExportOptimizerState();

    /// <summary>Restores what <see cref="ExportOptimizerState"/> produced, and the step count.</summary>
    /// <exception cref="ArgumentException">A buffer is missing, unexpected, mis-shaped or not finite; the message names it and the element.</exception>
    void ImportOptimizerState(IReadOnlyDictionary<string, TensorData> state, long stepCount);
}
