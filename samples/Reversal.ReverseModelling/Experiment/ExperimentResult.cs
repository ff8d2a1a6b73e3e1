namespace Reversal.ReverseModelling.Experiment;

/// <summary>One held-out document's losses and kind.</summary>
internal sealed record ScoredDocument(string Kind, string Source, double ForwardLoss, double ReverseLoss)
{
    /// <summary>S = forward loss − reverse loss.</summary>
    public double Score => ForwardLoss - ReverseLoss;

    /// <summary>True for a natural document.</summary>
    public bool IsNatural => Kind == "natural";
}

/// <summary>How well one score separates natural from degraded held-out documents.</summary>
/// <param name="Name">The score, e.g. <c>S = L_fwd − L_rev</c>.</param>
/// <param name="Auc">ROC AUC of the score for natural (positive) against every degraded document.</param>
/// <param name="AucByKind">ROC AUC against each degradation kind alone.</param>
internal sealed record SeparationRow(string Name, double Auc, IReadOnlyDictionary<string, double> AucByKind);

/// <summary>The share of natural documents among the top k% of held-out documents by a selection rule.</summary>
internal sealed record SelectionRow(string Rule, IReadOnlyDictionary<int, double> NaturalShareByPercent);

/// <summary>Mean losses of one group of held-out documents.</summary>
internal sealed record LossRow(string Group, int Count, double MeanForward, double MeanReverse, double ShareEasierBackwards);

/// <summary>Everything the experiment measured.</summary>
internal sealed record ExperimentResult(
    string DataDescription, int TrainDocuments, int HeldOutDocuments, int VocabSize, double ForwardFinalLoss, double ReverseFinalLoss,
    TimeSpan Elapsed, IReadOnlyList<SeparationRow> Separation, IReadOnlyList<SelectionRow> Selection, IReadOnlyList<LossRow> Losses,
    double LossCorrelation, IReadOnlyList<ScoredDocument> Documents);
