namespace Reversal.Training.Evaluation.ReverseModelling;

/// <summary>The reverse-modelling quality score of one document.</summary>
/// <param name="Index">The document's index in the scored list.</param>
/// <param name="ForwardLoss">Mean per-token loss (nats) of the forward model on the document.</param>
/// <param name="ReverseLoss">Mean per-token loss (nats) of the reverse model on the token-reversed document.</param>
public sealed record DocumentQualityScore(int Index, double ForwardLoss, double ReverseLoss)
{
    /// <summary><c>S = ForwardLoss − ReverseLoss</c>: high when the document is easier backwards, which went with coherent, high-quality text.</summary>
    public double Score => ForwardLoss - ReverseLoss;
}
