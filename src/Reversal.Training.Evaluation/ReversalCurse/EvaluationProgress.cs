namespace Reversal.Training.Evaluation.ReversalCurse;

/// <summary>
/// Progress of a <see cref="ReversalCurseEvaluator"/> run within one split, for a live progress bar. Work is counted
/// in rows: each evaluated row once per decoder (when a generation metric is selected), once for rank@1 and once for the
/// randomized test (when selected and the split has randomized rows).
/// </summary>
/// <param name="Split">The split being evaluated.</param>
/// <param name="SplitIndex">Zero-based index of the split in the run.</param>
/// <param name="SplitCount">Number of splits in the run.</param>
/// <param name="Stage">What is running: a decoder name (e.g. <c>greedy</c>), <c>rank1</c> or <c>randomized</c>.</param>
/// <param name="Done">Units of work of this split finished so far.</param>
/// <param name="Total">Units of work of this split.</param>
public sealed record EvaluationProgress(string Split, int SplitIndex, int SplitCount, string Stage, int Done, int Total)
{
    /// <summary>Fraction of this split finished, 0..1.</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
