using Reversal.Training.Models;
using Reversal.Training.Serialization;

namespace Reversal.Training.FineTuning;

/// <summary>
/// A language model carrying LoRA adapters, on any engine. Its <see cref="ITrainableLanguageModel.Parameters"/> are the
/// base model's (frozen, except the <see cref="LoraConfig.ModulesToSave"/>) followed by the adapters'
/// (<see cref="AdaptedProjection.AName"/>, <see cref="AdaptedProjection.BName"/>, trainable);
/// <see cref="ITrainableLanguageModel.ExportWeights"/> and <see cref="ITrainableLanguageModel.ImportWeights"/> exchange
/// the base model's weights only (Hugging Face names; merged weights while <see cref="IsMerged"/>), and
/// <see cref="ExportAdapter"/> / <see cref="ImportAdapter"/> the adapter in PEFT's names. Training checkpoints of such a
/// model also hold the adapter in PEFT's layout.
/// </summary>
public interface ILoraModel : ITrainableLanguageModel
{
    /// <summary>The adapters' hyper-parameters.</summary>
    LoraConfig Lora { get; }

    /// <summary>Where the adapters sit and what they save.</summary>
    LoraLayout Layout { get; }

    /// <summary>True after <see cref="Merge"/>: the base weights hold <c>W + (alpha/r)·B·A</c> and the adapters are bypassed.</summary>
    bool IsMerged { get; }

    /// <summary>Adds <c>(alpha / r)·B·A</c> into every adapted weight and bypasses the adapters (inference runs at the base
    /// model's cost; saving then writes a plain merged model). The original weights are kept for <see cref="Unmerge"/>.</summary>
    /// <exception cref="InvalidOperationException">Already merged.</exception>
    void Merge();

    /// <summary>Restores the original weights bit for bit (from the copies kept by <see cref="Merge"/>) and re-enables the adapters.</summary>
    /// <exception cref="InvalidOperationException">Not merged.</exception>
    void Unmerge();

    /// <summary>Copies of the adapter tensors and the modules to save, by PEFT name (<see cref="LoraLayout.PeftTensors"/> order).</summary>
    IReadOnlyList<KeyValuePair<string, TensorData>> ExportAdapter();

    /// <summary>Replaces the adapter tensors and the modules to save, by PEFT name. Strict: exactly the tensors of
    /// <see cref="LoraLayout.PeftTensors"/>, each of its shape and finite; nothing changes unless all are valid.</summary>
    /// <exception cref="StateDictMismatchException">A tensor is missing, unexpected, mis-shaped or not finite; every one is named.</exception>
    /// <exception cref="InvalidOperationException">The adapters are merged.</exception>
    void ImportAdapter(IReadOnlyDictionary<string, TensorData> tensors);
}
