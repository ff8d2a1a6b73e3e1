namespace Reversal.FineTuning;

/// <summary>How the pre-trained model is fine-tuned on the second half's facts.</summary>
internal enum FineTuningMode
{
    /// <summary>LoRA adapters on every projection (plus, by default, the embeddings and the head trained in full); the rest frozen.</summary>
    Lora,

    /// <summary>Every parameter trained.</summary>
    Full,
}
